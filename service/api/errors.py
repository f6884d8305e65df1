"""How the service answers every error: each exception a view (or the server in front of
it) lets through becomes a problem+json answer with a stable type, here in one place.

The domain's refusals (no such agreement, a rule violation, a version conflict), the
request's own problems (service/http/problems.py), the database's absence and werkzeug's
HTTP errors each get their status and headers (Retry-After, WWW-Authenticate, Allow);
anything else is logged and answered 500 without a stack trace.
"""

import logging

import psycopg
from flask import Flask, Response, request
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException

from service.commands import AgreementExists, EventRejected
from service.http.auth import Unauthorized
from service.http.problems import (
    BadPrecondition,
    ClientTimeout,
    InvalidBody,
    InvalidQuery,
    MalformedJson,
    NotAcceptable,
    PreconditionFailed,
    StreamsExhausted,
    pointers,
    problem,
    problem_of,
    slug,
)
from service.queries import AgreementNotFound, PartyNotFound
from service.storage.results import EventIdConflict, VersionConflict
from service.storage.rows import UnreadableEvent

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(InvalidQuery)
    def invalid_query(error: InvalidQuery) -> Response:
        errors = [{"parameter": e["pointer"].lstrip("/"), "detail": e["detail"]} for e in pointers(error.messages)]
        return problem_of("invalid-query", _first(errors), errors=errors)

    @app.errorhandler(InvalidBody)
    def invalid_body(error: InvalidBody) -> Response:
        errors = list(pointers(error.messages))
        return problem_of("invalid-body", _first(errors), errors=errors)

    @app.errorhandler(MalformedJson)
    def malformed_json(error: MalformedJson) -> Response:
        return problem_of("malformed-json", str(error))

    @app.errorhandler(PreconditionFailed)
    def precondition_failed(error: PreconditionFailed) -> Response:
        return problem_of(
            "precondition-failed", str(error), expected_version=error.expected, current_version=error.actual
        )

    @app.errorhandler(BadPrecondition)
    def bad_precondition(error: BadPrecondition) -> Response:
        return problem_of("invalid-if-match", str(error))

    @app.errorhandler(Unauthorized)
    def unauthorized(error: Unauthorized) -> Response:
        response = problem_of("unauthorized", str(error))
        response.headers["WWW-Authenticate"] = error.challenge
        return response

    @app.errorhandler(EventRejected)
    def rule_violation(error: EventRejected) -> Response:
        pointer = f"/events/{error.index}" if error.index is not None else "/events"
        errors = [{"pointer": pointer, "detail": error.violation.reason}]
        return problem_of("rule-violation", str(error), errors=errors)

    @app.errorhandler(PartyNotFound)
    def party_not_found(error: PartyNotFound) -> Response:
        return problem_of("party-not-found", str(error))

    @app.errorhandler(AgreementNotFound)
    def not_found(error: AgreementNotFound) -> Response:
        return problem_of("agreement-not-found", str(error))

    @app.errorhandler(AgreementExists)
    def exists(error: AgreementExists) -> Response:
        return problem_of("agreement-exists", str(error))

    @app.errorhandler(VersionConflict)
    def version_conflict(error: VersionConflict) -> Response:
        detail = f"expected version {error.expected}, but the agreement is at version {error.actual}"
        return problem_of("version-conflict", detail, expected_version=error.expected, current_version=error.actual)

    @app.errorhandler(EventIdConflict)
    def event_id_conflict(error: EventIdConflict) -> Response:
        return problem_of("event-id-conflict", str(error), event_id=str(error.event_id))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        response = problem(status, slug(error.name or "error"), error.name, error.description or error.name)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[attr-defined]
        return response

    @app.errorhandler(NotAcceptable)
    def not_acceptable(error: NotAcceptable) -> Response:
        return problem_of("not-acceptable", str(error), available=error.offered)

    @app.errorhandler(ClientTimeout)
    def client_timeout(error: ClientTimeout) -> Response:
        response = problem_of("request-timeout", str(error))
        response.headers["Connection"] = "close"
        return response

    @app.errorhandler(StreamsExhausted)
    def streams_exhausted(error: StreamsExhausted) -> Response:
        response = problem_of("streams-exhausted", str(error))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(psycopg.errors.QueryCanceled)
    def database_timeout(error: psycopg.errors.QueryCanceled) -> Response:
        log.warning("database statement timed out: %s", error)
        detail = "the database did not answer in time; retry shortly"
        response = problem_of("database-timeout", detail)
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(psycopg.OperationalError)
    def database_unavailable(error: Exception) -> Response:
        log.warning("database unavailable: %s", error)
        response = problem_of("database-unavailable", "the database cannot be reached")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(UnreadableEvent)
    def unreadable_event(error: UnreadableEvent) -> Response:
        """Start-up verification read every event stored then, so this one was written since,
        by a newer release sharing the database: this server's answer waits for its upgrade."""
        log.error("%s", error)
        response = problem_of("unreadable-event", str(error), event_id=str(error.event_id))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_of("internal-error", "an unexpected error occurred; it was logged")


def _first(errors: list[dict[str, str]]) -> str:
    if not errors:
        return "the request is invalid"
    first = errors[0]
    where = first.get("pointer") or first.get("parameter")
    return f"{where}: {first['detail']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
