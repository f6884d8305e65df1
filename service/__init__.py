"""The pact-chronology service: Flask HTTP API, PostgreSQL event store, CLI.

``events`` holds the pure domain; this package does all the I/O around it.
"""
