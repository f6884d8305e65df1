"""Every error leaves the service as application/problem+json (RFC 9457): the problems a
request itself can have, and the one way to answer any problem (``problem``); which
exception becomes which problem is service/api/errors.py.

Each kind of problem has a stable ``type`` (a relative URI documented in docs/problems.md),
a status and a ``title`` that never vary for that type (``PROBLEM_TYPES``), and a
``detail`` about this occurrence.
Validation problems add ``errors``: a list of {"pointer", "detail"} with JSON Pointers
(RFC 6901) into the request body, or {"parameter", "detail"} for the query string.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Response, current_app
from marshmallow import ValidationError

PROBLEM_JSON = "application/problem+json"

# Every problem type the service sends, with its status and title; docs/problems.md explains
# each. Those the HTTP layers below the views answer (werkzeug, and the server's own worker)
# carry the status's reason phrase as their title.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "invalid-query": (400, "Invalid query parameters"),
    "malformed-json": (400, "Malformed JSON"),
    "invalid-if-match": (400, "Invalid If-Match header"),
    "bad-request": (400, "Bad Request"),
    "unauthorized": (401, "Unauthorized"),
    "agreement-not-found": (404, "No such agreement"),
    "party-not-found": (404, "No such party"),
    "request-timeout": (408, "Request Timeout"),
    "agreement-exists": (409, "Agreement already registered"),
    "version-conflict": (409, "Version conflict"),
    "event-id-conflict": (409, "Event id already used"),
    "precondition-failed": (412, "Precondition failed"),
    "request-entity-too-large": (413, "Request Entity Too Large"),
    "uri-too-long": (414, "URI Too Long"),
    "unsupported-media-type": (415, "Unsupported Media Type"),
    "invalid-body": (422, "Invalid request body"),
    "rule-violation": (422, "The agreement's rules forbid this event"),
    "request-header-fields-too-large": (431, "Request Header Fields Too Large"),
    "database-unavailable": (503, "Database unavailable"),
    "database-timeout": (503, "Database timeout"),
    "streams-exhausted": (503, "Too many live streams"),
    "not-ready": (503, "Not ready"),
    "unreadable-event": (503, "Stored event unreadable by this release"),
}
PROBLEM_STATUS = {kind: status for kind, (status, _) in PROBLEM_TYPES.items()}


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


class ClientTimeout(Exception):
    """The client stopped sending its request (line, headers or body) part-way."""


def slug(title: str) -> str:
    """The problem type's last segment for a status title: "URI Too Long" -> "uri-too-long"."""
    return title.lower().replace(" ", "-")


def problem_of(kind: str, detail: str, **extensions: Any) -> Response:
    """The problem of type ``kind``, with its status and title, about this occurrence."""
    status, title = PROBLEM_TYPES[kind]
    return problem(status, kind, title, detail, **extensions)


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
