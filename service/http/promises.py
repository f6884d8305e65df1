"""What each view promises: its parameters, body, answers and problems.

A view states its promise beside its code with ``@promises(...)``; service/api/openapi/
reads those promises off the app's routes to write the OpenAPI document, so a route
cannot exist without being documented (a test walks the URL map) and the document names
the very schemas the view loads and dumps with.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from flask import Flask, request
from marshmallow import Schema, fields, validate

from service.http import representations, requests
from service.http.inbound import CURSOR_PATTERN
from service.http.inbound import TOKEN_PATTERN as TOKEN
from service.http.representations import FORMATS, JSON
from service.http.tables import CSV, Table, table_of

View = TypeVar("View", bound=Callable[..., Any])

# What every route may answer about the request itself before its view runs: a malformed or
# stalled request, a request line or header fields too large (the HTTP server in front), and
# a query parameter the route does not know or a value it refuses (service/http/requests.py).
SERVER_PROBLEMS = ("bad-request", "request-timeout", "uri-too-long", "request-header-fields-too-large", "invalid-query")
# What any view that asks the database may answer when it cannot, or when what it reads
# was written by a newer release.
DATABASE_PROBLEMS = ("database-unavailable", "database-timeout", "unreadable-event")
# What a view that reads a JSON body may answer about it, beyond its own rules.
BODY_PROBLEMS = ("malformed-json", "request-entity-too-large", "unsupported-media-type", "invalid-body")


@dataclass(frozen=True)
class Answer:
    """One documented response: its status, what it means, and its body and headers."""

    status: int
    description: str
    schema: type[Schema] | None = None
    media_type: str = JSON
    headers: tuple[str, ...] = ()
    # Other representations of the same answer (chosen by Accept), each with its schema.
    alternatives: tuple[tuple[str, type[Schema]], ...] = ()
    # A list answer: the lists in its body that are its rows, which it also answers as CSV.
    rows: tuple[str, ...] = ()
    # OpenAPI links: operations a client (or schemathesis) can call next with values taken
    # from this answer, by operationId (the endpoint, "." as "_") and parameter expression.
    links: tuple[tuple[str, str, dict[str, str]], ...] = ()


# The headers of every cached read, and its answer to a current If-None-Match.
READ_HEADERS = ("ETag", "Cache-Control")
# A read that takes known_at: asked about now, it also names its permalink (service/http/caching.py).
PERMALINKED = (*READ_HEADERS, "Content-Location", "Link")
NOT_MODIFIED = Answer(304, "the answer you hold (If-None-Match) is current", None, headers=READ_HEADERS)


def follow(name: str, endpoint: str, pointer: str) -> tuple[str, str, dict[str, str]]:
    """A link to the operation of ``endpoint`` for the agreement at ``pointer`` in the body."""
    return (name, endpoint.replace(".", "_"), {"agreement_id": f"$response.body#{pointer}"})


@dataclass(frozen=True)
class Promise:
    summary: str
    tag: str
    answers: tuple[Answer, ...]
    problems: tuple[str, ...] = ()  # problem types, beyond SERVER_PROBLEMS (and 401 for writes)
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    request_headers: tuple[str, ...] = ()
    writes: bool = False
    description: str = ""

    @property
    def answered(self) -> Answer | None:
        """What a successful read answers (the first 200), if the route is read."""
        return next((answer for answer in self.answers if answer.status == 200), None)

    @property
    def table(self) -> Table | None:
        """The answer's rows as a table, for a list answer."""
        read = self.answered
        if read is None or not read.rows or read.schema is None:
            return None
        return table_of(read.schema, *read.rows)

    @property
    def offered(self) -> tuple[str, ...]:
        """The media types the route answers in, the default first."""
        read = self.answered
        if read is None:
            return ()
        alternatives = tuple(media_type for media_type, _ in read.alternatives)
        return (read.media_type, *alternatives, *((CSV,) if read.rows else ()))


def promises(**promise: Any) -> Callable[[View], View]:
    """Attach a ``Promise`` to a view function; the view's docstring becomes its description."""

    def attach(view: View) -> View:
        view.promise = Promise(description=(view.__doc__ or "").strip(), **promise)  # type: ignore[attr-defined]
        return view

    return attach


def promise_of(view: Callable[..., Any]) -> Promise | None:
    return getattr(view, "promise", None)


def keep_promised_parameters(app: Flask) -> None:
    """Before any view runs, read the query string by the schema its promise names: a route
    that promises none takes no parameter, so one the route does not know is a 400 on every
    route alike, before the route does anything else."""

    @app.before_request
    def read() -> None:
        view = app.view_functions.get(request.endpoint or "")
        promise = promise_of(view) if view is not None else None
        # Files take no question; OPTIONS is answered about the route, not asked of it.
        if promise is None or request.method == "OPTIONS":
            return
        requests.read_question(_schema(query_of(promise)))


def offer_promised_representations(app: Flask) -> None:
    """Before a read's view runs (and after its query string is read), choose the
    representation its promise offers that the client asked for (406 when it allows none);
    after it, say ``Vary: Accept`` where the route offers several."""

    @app.before_request
    def choose() -> None:
        view = app.view_functions.get(request.endpoint or "")
        promise = promise_of(view) if view is not None else None
        if promise is None or not promise.offered or request.method not in ("GET", "HEAD"):
            return
        representations.negotiate(promise.offered, promise.table, requests.question().get("format"))

    app.after_request(representations.vary)


def query_of(promise: Promise) -> type[Schema] | None:
    """The query string a route takes: what its promise names, and ``format`` where it
    answers in more than one representation."""
    formats = [name for name, media_type in FORMATS.items() if media_type in promise.offered]
    if len(formats) < 2:
        return promise.query
    return _with_format(promise.query or Schema, tuple(formats))


@cache
def _with_format(query: type[Schema], formats: tuple[str, ...]) -> type[Schema]:
    named = ", ".join(f"`{name}`" for name in formats)
    field = fields.String(
        load_default=None,
        validate=validate.OneOf(formats),
        metadata={
            "description": f"the representation: {named}; overrides Accept, for tools that cannot set headers"
            " (default: as Accept asks, else JSON)"
        },
    )
    return type(query.__name__, (query,), {"format": field})


@cache
def _schema(promised: type[Schema] | None) -> Schema:
    """One instance of each promised schema; a route that promises none takes nothing."""
    return (promised or Schema)()


# Every header a view may name in its promise, as the OpenAPI document describes it.
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {"description": "a strong entity tag of this answer", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "`no-cache` (revalidate with If-None-Match), or `immutable` for an answer about a known_at "
        "that can no longer change",
        "schema": {"type": "string"},
    },
    "Location": {"description": "where the created resource is", "schema": {"type": "string"}},
    "Link": {
        "description": 'the next page, as `<url>; rel="next"`, and for an answer about now its permalink, as'
        ' `<url>; rel="canonical"` (RFC 8288)',
        "schema": {"type": "string"},
    },
    "Content-Location": {
        "description": "an answer about now: the same question asked with `known_at` = the instant of the knowledge"
        " it used (and the days it left to a default), answered the same for ever once that instant is final",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}},
    "Consistency-Token": {
        "description": "names this write: a read of the agreement that sends it back (header, or `consistent_with`)"
        " sees it",
        "schema": {"type": "string", "pattern": f"^{TOKEN}$"},
    },
    "WWW-Authenticate": {"description": "the bearer challenge (RFC 6750)", "schema": {"type": "string"}},
}
REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "If-None-Match": {
        "description": "the ETag you hold: answered 304 without a body while it is current",
        "schema": {"type": "string"},
    },
    "If-Match": {
        "description": 'the version the agreement must be at, as a strong tag like `"3"` (412 if it is not)',
        "schema": {"type": "string", "pattern": '^"[0-9]{1,10}"$'},
    },
    "X-Request-ID": {
        "description": "a correlation id (1 to 200 printable ASCII characters), recorded in each appended event's "
        "metadata unless the event names its own",
        "schema": {"type": "string"},
    },
    "Consistency-Token": {
        "description": "a write's Consistency-Token: the answer includes that write (a token of another agreement"
        " changes nothing); a value that is not one is refused (400 `invalid-query`, naming `Consistency-Token`)",
        "schema": {"type": "string", "pattern": f"^{TOKEN}$"},
    },
    "Last-Event-ID": {
        "description": "the cursor of the last event received; an EventSource sends it when it reconnects; a value"
        " that is not one is refused (400 `invalid-query`, naming `Last-Event-ID`)",
        "schema": {"type": "string", "pattern": f"^{CURSOR_PATTERN}$"},
    },
}
