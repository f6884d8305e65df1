"""The command line, `pact-chronology` (also `python -m service.cli`): serving, migrating
and loading the database, write tokens, bulk import and export, and the questions the API
answers, asked in-process.

Import rule (checked by `make lint`): nothing imports this package; it may use anything
below it -- the app, the read and write paths, storage and ``events``.
"""
