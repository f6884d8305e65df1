"""The JSON API, one blueprint per resource: agreements (with their events), the feed of
all events, deadlines and their calendar, datasets for research, health, metrics, and the OpenAPI document.

Views only parse, call, shape: they read the request with ``service.http``, ask the read
path (``service.queries``) or the write path (``service.commands``), and dump the answer.

Import rule (checked by `make lint`): this package imports nothing of the command line
(``service.cli``), the server (``service.server``) or the pages (``service.web``).
"""
