"""Where events are kept: the event store (every SQL statement on events), write tokens,
the connection pool, the schema's migrations and the embedded PostgreSQL, and the cache of
decoded streams.

Import rule (checked by `make lint`): this package imports only ``events`` and itself --
nothing of the HTTP side (``service.api``, ``service.http``, ``service.web``), of the
command line (``service.cli``) or of the server (``service.server``). It knows streams and
rows, never requests.
"""
