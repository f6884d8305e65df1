"""Liveness and readiness, for orchestrators and load balancers."""

from flask import Blueprint, Response
from marshmallow import Schema, fields

from service.clock import app_clock
from service.http.handles import handles
from service.http.problems import problem_of
from service.http.promises import DATABASE_PROBLEMS, Answer, promises
from service.storage.database import current_revision

bp = Blueprint("health", __name__)


class Health(Schema):
    status = fields.String(required=True)


class Liveness(Health):
    fixed_today = fields.Date(
        required=True,
        allow_none=True,
        metadata={"description": "the day PACT_TODAY fixes as every answer's today; null: the real day"},
    )


class Ready(Health):
    database = fields.String(required=True)
    revision = fields.String(required=True)


@bp.get("/healthz")
@promises(summary="Liveness", tag="operations", answers=(Answer(200, "the process answers", Liveness),))
def healthz() -> dict[str, str | None]:
    """The process answers, and says which today it answers for; nothing about the
    database, on purpose."""
    fixed = app_clock().fixed
    return {"status": "ok", "fixed_today": fixed.isoformat() if fixed else None}


@bp.get("/readyz")
@promises(
    summary="Readiness",
    tag="operations",
    answers=(Answer(200, "the database answers at the expected schema revision", Ready),),
    problems=("not-ready", *DATABASE_PROBLEMS),
)
def readyz() -> Response | dict[str, str]:
    """Ready when the database answers and its schema is at the revision this code expects."""
    expected = handles().head_revision
    with handles().pool.connection() as connection:
        actual = current_revision(connection)
    if actual != expected:
        detail = f"database schema is at revision {actual}, the service needs {expected}: run migrations"
        return problem_of("not-ready", detail)
    return {"status": "ready", "database": "ok", "revision": actual or ""}
