"""Pages for people: the list of agreements and each agreement's page, their templates and
the static files they load (the app serves templates/ and static/ from here).

Import rule (checked by `make lint`): like the API, this package imports nothing of the
command line (``service.cli``) or the server (``service.server``), nor of the API's views.
"""
