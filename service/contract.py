"""What each view promises: its parameters, body, answers and problems.

A view states its promise beside its code with ``@promises(...)``; service/openapi.py
reads those promises off the app's routes to write the OpenAPI document, so a route
cannot exist without being documented (a test walks the URL map) and the document names
the very schemas the view loads and dumps with.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import Schema

View = TypeVar("View", bound=Callable[..., Any])

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"

# Every problem type the service sends, by status; docs/problems.md explains each one.
PROBLEM_TYPES: dict[int, tuple[str, ...]] = {
    400: ("invalid-query", "malformed-json", "invalid-if-match", "bad-request"),
    401: ("unauthorized",),
    404: ("agreement-not-found", "not-found"),
    408: ("request-timeout",),
    409: ("agreement-exists", "version-conflict", "event-id-conflict"),
    412: ("precondition-failed",),
    413: ("request-entity-too-large",),
    414: ("uri-too-long",),
    415: ("unsupported-media-type",),
    422: ("invalid-body", "rule-violation"),
    431: ("request-header-fields-too-large",),
    503: ("database-unavailable", "database-timeout", "streams-exhausted", "not-ready"),
}


# What the HTTP server in front of every view may answer about the request itself: a
# malformed or stalled request, a request line or header fields too large.
SERVER_PROBLEMS = (400, 408, 414, 431)


@dataclass(frozen=True)
class Answer:
    """One documented response: its status, what it means, and its body and headers."""

    status: int
    description: str
    schema: type[Schema] | None = None
    media_type: str = JSON
    headers: tuple[str, ...] = ()
    # OpenAPI links: operations a client (or schemathesis) can call next with values taken
    # from this answer, by operationId (the endpoint, "." as "_") and parameter expression.
    links: tuple[tuple[str, str, dict[str, str]], ...] = ()


def follow(name: str, endpoint: str, pointer: str) -> tuple[str, str, dict[str, str]]:
    """A link to the operation of ``endpoint`` for the agreement at ``pointer`` in the body."""
    return (name, endpoint.replace(".", "_"), {"agreement_id": f"$response.body#{pointer}"})


@dataclass(frozen=True)
class Promise:
    summary: str
    tag: str
    answers: tuple[Answer, ...]
    problems: tuple[int, ...] = ()
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    request_headers: tuple[str, ...] = ()
    writes: bool = False
    description: str = ""


def promises(**promise: Any) -> Callable[[View], View]:
    """Attach a ``Promise`` to a view function; the view's docstring becomes its description."""

    def attach(view: View) -> View:
        view.promise = Promise(description=(view.__doc__ or "").strip(), **promise)  # type: ignore[attr-defined]
        return view

    return attach


def promise_of(view: Callable[..., Any]) -> Promise | None:
    return getattr(view, "promise", None)
