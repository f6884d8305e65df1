"""Request ids: every response carries one in X-Request-ID -- the client's when it sent a
usable one (1 to 200 printable ASCII characters, as tracing systems send), else one made
up here -- and the access log and any appended event's correlation id carry the same."""

import re
from uuid import uuid4

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
_USABLE = re.compile(r"[\x21-\x7e]{1,200}")


def request_id() -> str:
    """This request's id (made when first asked for, so error handlers have one too)."""
    if "request_id" not in g:
        given = request.headers.get(HEADER) or request.headers.get("X-Correlation-ID") or ""
        g.request_id = given if _USABLE.fullmatch(given) else uuid4().hex
    return str(g.request_id)


def install(app: Flask) -> None:
    @app.after_request
    def echo(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        return response
