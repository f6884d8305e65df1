"""What runs the app under gunicorn: the worker (``worker``: threads no slow client can
hold, problems for gunicorn's own errors), its settings (``config``) and the JSON access
and error logs (``logs``). `pact-chronology serve` names all three on gunicorn's command line.

Import rule (checked by `make lint`): nothing but the command line imports this package;
it may use the app (``service.app``) and what the app is made of.
"""
