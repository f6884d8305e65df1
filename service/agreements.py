"""The agreements resource: registration, appends, and the questions asked of the replay.

Views parse, call, shape: each one loads its input with a schema, asks the store or the
replay, and dumps the answer. Errors are exceptions, turned into problems in one place.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, request, url_for
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import UnsupportedMediaType

from events import NewEvent, Recorded, replay, timeline
from events.types import AgreementRegistered
from service import commands
from service.problems import BadPrecondition, InvalidBody, InvalidQuery, MalformedJson, PreconditionFailed
from service.representations import INTERVALS, STATUS, TERMS, event_out
from service.resources import resources
from service.schemas import AppendRequest, EventsQuery, RegisterRequest, StatusQuery, TimelineQuery
from service.store import AppendResult, VersionConflict

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

# Long enough for any agreement's life, short enough that a typo like 9999 cannot make the
# service enumerate thousands of renewals.
MAX_TIMELINE_DAYS = 300 * 366

STATUS_QUERY, TIMELINE_QUERY, EVENTS_QUERY = StatusQuery(), TimelineQuery(), EventsQuery()
APPEND_REQUEST, REGISTER_REQUEST = AppendRequest(), RegisterRequest()


@bp.get("")
def list_agreements() -> dict[str, Any]:
    store = resources().store
    return {"agreements": [_agreement(store.load(agreement_id)) for agreement_id in store.stream_ids()]}


@bp.post("")
def register_agreement() -> tuple[dict[str, Any], int, dict[str, str]]:
    data = _body(REGISTER_REQUEST)
    envelope = {key: data.pop(key) for key in ("id", "event_id", "occurred_on", "sources", "metadata")}
    profile = AgreementRegistered(occurred_on=envelope["occurred_on"] or _today(data["timezone"]), **data)
    registration = NewEvent(
        event=profile,
        event_id=envelope["event_id"] or uuid4(),
        sources=envelope["sources"],
        metadata=_metadata(envelope["metadata"]),
    )
    commands.register(resources().store, envelope["id"], registration)
    body = _agreement(_history(envelope["id"]))
    return body, 201, {"Location": url_for(".get_agreement", agreement_id=envelope["id"])}


@bp.get("/<agreement_id>")
def get_agreement(agreement_id: str) -> dict[str, Any]:
    return _agreement(_history(agreement_id))


@bp.get("/<agreement_id>/status")
def get_status(agreement_id: str) -> dict[str, Any]:
    query = _query(STATUS_QUERY)
    history = _history(agreement_id)
    on = query["on"] or _today(_profile(history).timezone)
    return {"agreement_id": agreement_id, "on": on.isoformat(), **STATUS.dump(replay(history, on))}


@bp.get("/<agreement_id>/timeline")
def get_timeline(agreement_id: str) -> dict[str, Any]:
    query = _query(TIMELINE_QUERY)
    history = _history(agreement_id)
    start = query["start"] or min(record.event.occurred_on for record in history)
    end = query["end"] or _today(_profile(history).timezone)
    if start > end:
        raise InvalidQuery(ValidationError({"from": [f"{start} is after 'to' ({end})"]}))
    if (end - start).days > MAX_TIMELINE_DAYS:
        raise InvalidQuery(ValidationError({"to": ["a timeline spans at most 300 years"]}))
    return {
        "agreement_id": agreement_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "intervals": INTERVALS.dump(timeline(history, start, end)),
    }


@bp.get("/<agreement_id>/events")
def list_events(agreement_id: str) -> dict[str, Any]:
    query = _query(EVENTS_QUERY)
    store = resources().store
    page = store.read(agreement_id, after_version=query["after_version"], limit=query["limit"] + 1)
    if not page and store.version(agreement_id) == 0:
        raise commands.AgreementNotFound(agreement_id)
    more = len(page) > query["limit"]
    page = page[: query["limit"]]
    return {
        "agreement_id": agreement_id,
        "events": [event_out(record) for record in page],
        "next_after_version": page[-1].version if more else None,
    }


@bp.post("/<agreement_id>/events")
def append_events(agreement_id: str) -> Response:
    data = _body(APPEND_REQUEST)
    from_header = _if_match_version()
    if from_header is not None and data["expected_version"] not in (None, from_header):
        raise BadPrecondition(f"If-Match names version {from_header}, the body version {data['expected_version']}")
    expected = from_header if from_header is not None else data["expected_version"]
    events = [_with_metadata(new) for new in data["events"]]
    try:
        result = commands.append(resources().store, agreement_id, events, expected)
    except VersionConflict as conflict:
        if from_header is None:
            raise
        raise PreconditionFailed(conflict.expected, conflict.actual) from None
    return _appended(agreement_id, result)


def _appended(agreement_id: str, result: AppendResult) -> Response:
    response = jsonify(
        {
            "agreement_id": agreement_id,
            "version": result.version,
            "first_version": result.first_version,
            "event_ids": [str(event_id) for event_id in result.event_ids],
            "recorded_at": result.recorded_at.isoformat(),
            "replayed": result.replayed,
        }
    )
    # A replayed (idempotent) request created nothing new: 200 with the original result.
    response.status_code = 200 if result.replayed else 201
    response.headers["ETag"] = f'"{result.version}"'
    response.headers["Location"] = url_for(
        ".list_events",
        agreement_id=agreement_id,
        after_version=result.first_version - 1,
        limit=len(result.event_ids),
    )
    return response


def _agreement(history: list[Recorded]) -> dict[str, Any]:
    profile = _profile(history)
    today = _today(profile.timezone)
    return {
        "id": history[0].stream_id,
        "title": profile.title,
        "parties": list(profile.parties),
        "terms": TERMS.dump(profile.terms),
        "legally_binding": profile.legally_binding,
        "timezone": profile.timezone,
        "version": history[-1].version,
        "status": {"on": today.isoformat(), **STATUS.dump(replay(history, today))},
    }


def _history(agreement_id: str) -> list[Recorded]:
    history = resources().store.load(agreement_id)
    if not history:
        raise commands.AgreementNotFound(agreement_id)
    return history


def _profile(history: list[Recorded]) -> AgreementRegistered:
    event = history[0].event
    assert isinstance(event, AgreementRegistered)
    return event


def _today(zone: str) -> date:
    """Today where the agreement lives: GSOMIA's days are Seoul days."""
    return datetime.now(ZoneInfo(zone)).date()


def _query(schema: Schema) -> dict[str, Any]:
    try:
        return schema.load(request.args.to_dict(flat=True))
    except ValidationError as error:
        raise InvalidQuery(error) from None


def _body(schema: Schema) -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send the request body as application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJson("the request body is not valid JSON")
    if not isinstance(data, dict):
        raise InvalidBody({"_schema": ["the request body must be a JSON object"]})
    try:
        return schema.load(data)
    except ValidationError as error:
        raise InvalidBody(error.messages) from None


def _if_match_version() -> int | None:
    """The version named by If-Match ("3" or W/"3" are not the same: only strong tags count)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = request.if_match
    if tags.star_tag or len(tags.as_set()) != 1 or tags.as_set(include_weak=True) != tags.as_set():
        raise BadPrecondition('If-Match must be one strong entity tag naming a version, like "3"')
    (tag,) = tags.as_set()
    if not tag.isdigit():
        raise BadPrecondition(f'If-Match tag "{tag}" is not a version number')
    return int(tag)


def _metadata(given: dict[str, Any]) -> dict[str, Any]:
    """Fill in the correlation id from the request when the client gave none."""
    correlation = request.headers.get("X-Request-ID") or request.headers.get("X-Correlation-ID")
    return {"correlation_id": correlation, **given} if correlation else dict(given)


def _with_metadata(new: NewEvent) -> NewEvent:
    return replace(new, metadata=_metadata(dict(new.metadata)))
