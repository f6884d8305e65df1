"""Which representation of an answer a client gets, and writing it.

A route offers the media types its promise names (service/http/promises.py): JSON, and for
a list answer CSV too (service/http/tables.py), and for an agreement's events NDJSON. The
client chooses by ``Accept``, or by the ``format`` query parameter for tools that cannot set
headers, which wins over ``Accept``. No ``Accept``, or ``*/*``, gets the first offered;
an ``Accept`` that allows none of them is a 406 problem naming those it could have had,
before the route does anything else.

The choice is part of the question: the ETag of a cached answer names it (a strong ETag
names one body), a permalink keeps it, and every answer of a route that offers more than
one says ``Vary: Accept``.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Response, current_app, g, request
from werkzeug.datastructures import MIMEAccept

from service.http.problems import NotAcceptable
from service.http.tables import CSV, Table

JSON = "application/json"
NDJSON = "application/x-ndjson"
# The `format` query parameter's values, and the media type each asks for.
FORMATS = {"json": JSON, "csv": CSV, "ndjson": NDJSON}
_TEXT_TYPES = (CSV,)  # sent with their charset


def negotiate(offered: Sequence[str], table: Table | None, asked_format: str | None) -> None:
    """Choose this request's representation among ``offered`` (the first is the default);
    ``table`` writes the CSV one, where offered."""
    if asked_format is not None:
        chosen: str | None = FORMATS[asked_format]
    elif not request.accept_mimetypes:
        chosen = offered[0]
    else:
        chosen = _types_asked().best_match(offered)
    if chosen is None:
        raise NotAcceptable(offered)
    g.representation, g.table, g.several = chosen, table, len(offered) > 1


def _types_asked() -> MIMEAccept:
    """Accept's media ranges without their parameters: ``text/plain;version=0.0.4`` (a
    Prometheus scrape) asks for the route's text/plain, whose own writer honours the version."""
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in request.accept_mimetypes])


def chosen() -> str:
    """The media type this request is answered in."""
    return str(g.get("representation", JSON))


def encode(answer: Mapping[str, Any]) -> bytes:
    """The answer's body in the chosen representation."""
    table: Table | None = g.get("table")
    if chosen() == CSV and table is not None:
        return table.csv(answer)
    return f"{current_app.json.dumps(answer)}\n".encode()


def respond(answer: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    """An answer that is not cached, in the chosen representation."""
    return Response(encode(answer), content_type=content_type(), headers=dict(headers or {}))


def content_type() -> str:
    media_type = chosen()
    if media_type in _TEXT_TYPES:
        return f"{media_type}; charset=utf-8; header=present"
    return media_type


def keep_format(url: str) -> str:
    """``url`` (a next page, a permalink) asking for the representation this request got,
    when the client asked for it by ``format`` or for CSV by ``Accept``: a tool that follows
    the link without the same headers gets the same kind of answer."""
    wanted = request.args.get("format") or ("csv" if chosen() == CSV else None)
    if wanted is None or "format" in parse_qs(urlsplit(url).query):
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'format': wanted})}"


def vary(response: Response) -> Response:
    """``Vary: Accept`` on every answer of a route that offers more than one representation."""
    if g.get("several"):
        response.vary.add("Accept")
    return response
