"""Every error leaves the service as application/problem+json (RFC 9457): the problems a
request itself can have, and the one way to answer any problem (``problem``); which
exception becomes which problem is service/api/errors.py.

Each kind of problem has a stable ``type`` (a relative URI the documentation lists),
a status and a ``title`` that never vary for that type (``PROBLEM_TYPES``), and a
``detail`` about this occurrence.
Validation problems add ``errors``: a list of {"pointer", "detail"} with JSON Pointers
(RFC 6901) into the request body, or {"parameter", "detail"} for the query string.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app
from marshmallow import ValidationError

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its status and ``title`` never vary; ``members`` says what it adds
    to ``type``, ``title``, ``status`` and ``detail``, and when it is sent (the
    documentation's list of problem types is written from these)."""

    status: int
    title: str
    members: str = ""


# Every problem type the service sends. Those the HTTP layers below the views answer
# (werkzeug, and the server's own worker) carry the status's reason phrase as their title.
PROBLEM_TYPES: dict[str, ProblemType] = {
    "invalid-query": ProblemType(
        400,
        "Invalid query parameters",
        '`errors`: `[{"parameter", "detail"}]` (a malformed `Consistency-Token` header is named as the'
        " parameter `Consistency-Token`). Any route may send it, those that take no parameter too: a parameter"
        " the route does not know, or one given twice, is refused before the route does anything else",
    ),
    "malformed-json": ProblemType(400, "Malformed JSON"),
    "invalid-if-match": ProblemType(400, "Invalid If-Match header"),
    "bad-request": ProblemType(
        400, "Bad Request", "(from the HTTP server: a malformed request line, header or `Content-Length`)"
    ),
    "unauthorized": ProblemType(
        401,
        "Unauthorized",
        '`WWW-Authenticate: Bearer realm="pact-chronology"` (with `error="invalid_token"` for an unknown or'
        " revoked token)",
    ),
    "agreement-not-found": ProblemType(404, "No such agreement"),
    "party-not-found": ProblemType(
        404, "No such party", "(no agreement names a party with that id; `GET /parties` lists them)"
    ),
    "not-found": ProblemType(404, "Not Found", "(unknown route)"),
    "method-not-allowed": ProblemType(405, "Method Not Allowed", "`Allow` header"),
    "not-acceptable": ProblemType(
        406,
        "Not Acceptable",
        "`available`: the media types the route answers in (ask by `Accept`, or by `format` where the route takes"
        " it); `Accept: */*`, or none, gets JSON",
    ),
    "request-timeout": ProblemType(
        408,
        "Request Timeout",
        "the client did not send its whole request within `PACT_READ_TIMEOUT` seconds; the connection is closed",
    ),
    "version-conflict": ProblemType(409, "Version conflict", "`expected_version`, `current_version`"),
    "agreement-exists": ProblemType(409, "Agreement already registered"),
    "event-id-conflict": ProblemType(409, "Event id already used", "`event_id`"),
    "precondition-failed": ProblemType(412, "Precondition failed", "`expected_version`, `current_version`"),
    "request-entity-too-large": ProblemType(
        413, "Request Entity Too Large", "(body over `PACT_MAX_CONTENT_LENGTH`, chunked or not)"
    ),
    "uri-too-long": ProblemType(414, "URI Too Long", "(request line over 4094 bytes)"),
    "unsupported-media-type": ProblemType(415, "Unsupported Media Type"),
    "invalid-body": ProblemType(422, "Invalid request body", '`errors`: `[{"pointer", "detail"}]`'),
    "rule-violation": ProblemType(
        422, "The agreement's rules forbid this event", '`errors`: `[{"pointer", "detail"}]`'
    ),
    "request-header-fields-too-large": ProblemType(
        431, "Request Header Fields Too Large", "(over 100 header fields, or one over 8190 bytes)"
    ),
    "internal-error": ProblemType(500, "Internal server error", "(the cause is logged, never sent; always a bug)"),
    "not-ready": ProblemType(503, "Not ready", "(from `/readyz`: schema not migrated)"),
    "database-unavailable": ProblemType(503, "Database unavailable", "`Retry-After` header; sent within 2 s of asking"),
    "database-timeout": ProblemType(
        503, "Database timeout", "`Retry-After` header; a statement waited longer than `PACT_STATEMENT_TIMEOUT`"
    ),
    "streams-exhausted": ProblemType(
        503,
        "Too many live streams",
        "`Retry-After` header (`PACT_MAX_STREAMS` live streams and long-polls per worker are open)",
    ),
    "unreadable-event": ProblemType(
        503,
        "Stored event unreadable by this release",
        "`event_id`, `Retry-After` header; the event was written by a newer release sharing the database"
        " (start-up refuses to serve a store holding one), so this server cannot answer about its agreement"
        " until it is upgraded",
    ),
}
PROBLEM_STATUS = {kind: found.status for kind, found in PROBLEM_TYPES.items()}


class InvalidQuery(Exception):
    """The query string did not validate; carries marshmallow's messages."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error.messages))
        self.messages = error.messages


class InvalidBody(Exception):
    def __init__(self, messages: Any) -> None:
        super().__init__(str(messages))
        self.messages = messages


class MalformedJson(Exception):
    pass


class PreconditionFailed(Exception):
    """If-Match named a version the agreement is no longer at (RFC 9110: 412)."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"If-Match names version {expected}, but the agreement is at version {actual}")
        self.expected, self.actual = expected, actual


class BadPrecondition(Exception):
    """If-Match is not a single version tag, or disagrees with expected_version in the body."""


class StreamsExhausted(Exception):
    """Every slot for a waiting request (a live stream or a long-poll) in this worker is
    taken; the message says what the client may do instead."""


class NotAcceptable(Exception):
    """The client's Accept allows none of what the route can answer (406)."""

    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__(f"this route answers {', '.join(offered)}; Accept allows none of them")
        self.offered = list(offered)


class ClientTimeout(Exception):
    """The client stopped sending its request (line, headers or body) part-way."""


def slug(title: str) -> str:
    """The problem type's last segment for a status title: "URI Too Long" -> "uri-too-long"."""
    return title.lower().replace(" ", "-")


def problem_of(kind: str, detail: str, **extensions: Any) -> Response:
    """The problem of type ``kind``, with its status and title, about this occurrence."""
    found = PROBLEM_TYPES[kind]
    return problem(found.status, kind, found.title, detail, **extensions)


def problem(status: int, slug: str, title: str, detail: str, **extensions: Any) -> Response:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, **extensions}
    response = Response(current_app.json.dumps(body), status=status)
    response.mimetype = PROBLEM_JSON
    return response


def pointers(messages: Any, prefix: str = "") -> Iterator[dict[str, str]]:
    """Flatten marshmallow's nested messages into JSON Pointer entries."""
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from pointers(value, f"{prefix}/{key}" if key != "_schema" else prefix)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield {"pointer": prefix or "/", "detail": message}
    elif isinstance(messages, list):
        for message in messages:
            yield from pointers(message, prefix)
    else:
        yield {"pointer": prefix or "/", "detail": str(messages)}
