"""What every view shares: reading a request (``requests``, with the schemas of what comes
in, ``inbound``), the shapes of what goes out (``answers``), the promises a view makes
(``promises``), problems (RFC 9457), caching and ETags with the bodies kept by them,
bearer-token auth, request ids, JSON encoding, and the handles on the store the views find
through the app (``handles``).

Import rule (checked by `make lint`): this package may use the read and write paths
(``service.queries``, ``service.commands``), ``service.storage`` and ``events``, but
nothing of the views that use it (``service.api``, ``service.web``), nor of the command
line or the server.
"""
