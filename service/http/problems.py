"""Every error leaves the service as application/problem+json (RFC 9457).

Each kind of problem has a stable ``type`` (a relative URI documented in docs/problems.md),
a ``title`` that never varies for that type, and a ``detail`` about this occurrence.
Validation problems add ``errors``: a list of {"pointer", "detail"} with JSON Pointers
(RFC 6901) into the request body, or {"parameter", "detail"} for the query string.
"""

import logging
from collections.abc import Iterator, Mapping
from typing import Any

import psycopg
from flask import Flask, Response, current_app, request
from marshmallow import ValidationError
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException

from service.commands import AgreementExists, EventRejected
from service.http.auth import Unauthorized
from service.queries import AgreementNotFound
from service.storage.store import EventIdConflict, VersionConflict

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class InvalidQuery(Exception):
    """The query string did not validate; carries marshmallow's messages."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error.messages))
        self.messages = error.messages


class InvalidBody(Exception):
    def __init__(self, messages: Any, status: int = 422) -> None:
        super().__init__(str(messages))
        self.messages = messages
        self.status = status


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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(InvalidQuery)
    def invalid_query(error: InvalidQuery) -> Response:
        errors = [{"parameter": e["pointer"].lstrip("/"), "detail": e["detail"]} for e in pointers(error.messages)]
        return problem(400, "invalid-query", "Invalid query parameters", _first(errors), errors=errors)

    @app.errorhandler(InvalidBody)
    def invalid_body(error: InvalidBody) -> Response:
        errors = list(pointers(error.messages))
        return problem(error.status, "invalid-body", "Invalid request body", _first(errors), errors=errors)

    @app.errorhandler(MalformedJson)
    def malformed_json(error: MalformedJson) -> Response:
        return problem(400, "malformed-json", "Malformed JSON", str(error))

    @app.errorhandler(PreconditionFailed)
    def precondition_failed(error: PreconditionFailed) -> Response:
        return problem(
            412,
            "precondition-failed",
            "Precondition failed",
            str(error),
            expected_version=error.expected,
            current_version=error.actual,
        )

    @app.errorhandler(BadPrecondition)
    def bad_precondition(error: BadPrecondition) -> Response:
        return problem(400, "invalid-if-match", "Invalid If-Match header", str(error))

    @app.errorhandler(Unauthorized)
    def unauthorized(error: Unauthorized) -> Response:
        response = problem(401, "unauthorized", "Unauthorized", str(error))
        response.headers["WWW-Authenticate"] = error.challenge
        return response

    @app.errorhandler(EventRejected)
    def rule_violation(error: EventRejected) -> Response:
        pointer = f"/events/{error.index}" if error.index is not None else "/events"
        errors = [{"pointer": pointer, "detail": error.violation.reason}]
        return problem(422, "rule-violation", "The agreement's rules forbid this event", str(error), errors=errors)

    @app.errorhandler(AgreementNotFound)
    def not_found(error: AgreementNotFound) -> Response:
        return problem(404, "agreement-not-found", "No such agreement", str(error))

    @app.errorhandler(AgreementExists)
    def exists(error: AgreementExists) -> Response:
        return problem(409, "agreement-exists", "Agreement already registered", str(error))

    @app.errorhandler(VersionConflict)
    def version_conflict(error: VersionConflict) -> Response:
        detail = f"expected version {error.expected}, but the agreement is at version {error.actual}"
        return problem(
            409,
            "version-conflict",
            "Version conflict",
            detail,
            expected_version=error.expected,
            current_version=error.actual,
        )

    @app.errorhandler(EventIdConflict)
    def event_id_conflict(error: EventIdConflict) -> Response:
        return problem(409, "event-id-conflict", "Event id already used", str(error), event_id=str(error.event_id))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        response = problem(status, slug(error.name or "error"), error.name, error.description or error.name)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(ClientTimeout)
    def client_timeout(error: ClientTimeout) -> Response:
        response = problem(408, "request-timeout", "Request Timeout", str(error))
        response.headers["Connection"] = "close"
        return response

    @app.errorhandler(StreamsExhausted)
    def streams_exhausted(error: StreamsExhausted) -> Response:
        response = problem(503, "streams-exhausted", "Too many live streams", str(error))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(psycopg.errors.QueryCanceled)
    def database_timeout(error: psycopg.errors.QueryCanceled) -> Response:
        log.warning("database statement timed out: %s", error)
        detail = "the database did not answer in time; retry shortly"
        response = problem(503, "database-timeout", "Database timeout", detail)
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(psycopg.OperationalError)
    def database_unavailable(error: Exception) -> Response:
        log.warning("database unavailable: %s", error)
        response = problem(503, "database-unavailable", "Database unavailable", "the database cannot be reached")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal-error", "Internal server error", "an unexpected error occurred; it was logged")


def _first(errors: list[dict[str, str]]) -> str:
    if not errors:
        return "the request is invalid"
    first = errors[0]
    where = first.get("pointer") or first.get("parameter")
    return f"{where}: {first['detail']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
