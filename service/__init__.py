"""The pact-chronology service: everything around the pure domain (``events``).

Its rooms, from the top down; a module imports only from its own room or from below
(import-linter's contracts in pyproject.toml, checked by `make lint`):

- ``cli`` (the `pact-chronology` command) and ``server`` (gunicorn's worker, settings, logs);
- ``app``: the Flask app factory, which puts the rooms below together;
- ``api`` (the JSON API, one blueprint per resource) and ``web`` (the pages);
- ``http`` (what every view shares) and ``commands`` (the write path);
- ``queries``: the read path;
- ``storage`` (the event store, tokens, pool, migrations) and ``chronology`` (the data);
- ``clock``: what "today" is;
- and, below everything, ``events``, which imports nothing of this package.
"""
