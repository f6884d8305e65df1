"""The agreements resource: registration, appends, and the questions asked of the replay.

Views parse, call, shape: each one loads its input with a schema, asks the store or the
replay, and dumps the answer. Errors are exceptions, turned into problems in one place.
Read answers go through ``cached``: a cheap knowledge query decides the ETag first, so a
client holding the current answer gets a 304 without any event being read or replayed.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import uuid4

from flask import Blueprint, Response, jsonify, request, url_for
from marshmallow import ValidationError

from events import NewEvent, Phase, Recorded, developments, timeline
from events.history import changes
from events.types import AgreementRegistered, type_name
from service import clock, commands, queries
from service.http import answers, auth, reading
from service.http.answers import INTERVALS, STATUS, TERMS, event_out, status_out
from service.http.caching import AnswerCache, cached, knowledge_tag, link_to_next
from service.http.contract import BODY_PROBLEMS, DATABASE_PROBLEMS, NOT_MODIFIED, READ_HEADERS, Answer, follow, promises
from service.http.encoding import line as json_line
from service.http.inbound import (
    AppendRequest,
    EventsQuery,
    HistoryQuery,
    ListQuery,
    RegisterRequest,
    StatusQuery,
    TimelineQuery,
)
from service.http.problems import BadPrecondition, InvalidQuery, PreconditionFailed
from service.http.resources import resources
from service.storage.store import AppendResult, Knowledge, VersionConflict
from service.waiting import long_poll

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

# Long enough for any agreement's life, short enough that a typo like 9999 cannot make the
# service enumerate thousands of renewals.
MAX_TIMELINE_DAYS = 300 * 366
NDJSON = "application/x-ndjson"

STATUS_QUERY, TIMELINE_QUERY, EVENTS_QUERY, HISTORY_QUERY = (
    StatusQuery(),
    TimelineQuery(),
    EventsQuery(),
    HistoryQuery(),
)
APPEND_REQUEST, REGISTER_REQUEST, LIST_QUERY = AppendRequest(), RegisterRequest(), ListQuery()


@bp.get("")
@promises(
    summary="List agreements",
    tag="agreements",
    query=ListQuery,
    answers=(
        Answer(
            200, "a page of agreements by id, each with its status today", answers.AgreementsPage, headers=("Link",)
        ),
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def list_agreements() -> Response:
    """A page of agreements by id, each with its status today; ``phase`` keeps those in that
    phase today, ``in_force_on`` those in force on that day."""
    query = reading.query(LIST_QUERY)
    limit = query["limit"]
    phase = Phase(query["phase"]) if query["phase"] is not None else None
    found, more = queries.agreements(
        resources().store, clock.app_clock(), query["after"] or "", limit, phase, query["in_force_on"]
    )
    next_after = found[-1].agreement_id if more else None
    response = jsonify({"agreements": [_agreement(agreement) for agreement in found], "next_after": next_after})
    if next_after is not None:
        filters = {name: query[name] for name in ("phase", "in_force_on") if query[name] is not None}
        response.headers["Link"] = link_to_next(url_for(".list_agreements", after=next_after, limit=limit, **filters))
    return response


@bp.post("")
@promises(
    summary="Register an agreement",
    tag="agreements",
    body=RegisterRequest,
    writes=True,
    request_headers=("X-Request-ID",),
    answers=(
        Answer(
            201,
            "registered",
            answers.RegisteredAnswer,
            headers=("Location",),
            links=(
                follow("GetAgreement", "agreements.get_agreement", "/id"),
                follow("GetStatus", "agreements.get_status", "/id"),
                follow("AppendEvents", "agreements.append_events", "/id"),
            ),
        ),
        Answer(
            200, "this very registration was stored before (a retry)", answers.RegisteredAnswer, headers=("Location",)
        ),
    ),
    problems=(*BODY_PROBLEMS, "agreement-exists", "event-id-conflict", *DATABASE_PROBLEMS),
)
def register_agreement() -> tuple[dict[str, Any], int, dict[str, str]]:
    writer = auth.writer()
    data = reading.body(REGISTER_REQUEST)
    envelope = {key: data.pop(key) for key in ("id", "event_id", "occurred_on", "sources", "metadata")}
    profile = AgreementRegistered(occurred_on=envelope["occurred_on"] or clock.today(data["timezone"]), **data)
    registration = NewEvent(
        event=profile,
        event_id=envelope["event_id"] or uuid4(),
        sources=envelope["sources"],
        metadata=reading.metadata(envelope["metadata"], writer),
    )
    result = commands.register(resources().store, envelope["id"], registration)
    body = _agreement(_summary(envelope["id"]))
    status = 200 if result.replayed else 201
    return (
        {**body, "replayed": result.replayed},
        status,
        {"Location": url_for(".get_agreement", agreement_id=envelope["id"])},
    )


@bp.get("/<agreement:agreement_id>")
@promises(
    summary="An agreement",
    tag="agreements",
    answers=(Answer(200, "its profile, version and status today", answers.AgreementOut),),
    problems=("agreement-not-found", *DATABASE_PROBLEMS),
)
def get_agreement(agreement_id: str) -> dict[str, Any]:
    return _agreement(_summary(agreement_id))


@bp.get("/<agreement:agreement_id>/status")
@promises(
    summary="The status on a day",
    tag="agreements",
    query=StatusQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(200, "the status, with the events it rests on", answers.StatusAnswer, headers=READ_HEADERS),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_status(agreement_id: str) -> Response:
    query = reading.query(STATUS_QUERY)
    known_at = query["known_at"]
    knowledge = _knowledge(agreement_id, known_at)
    on = query["on"] or clock.today(knowledge.timezone)

    def answer() -> dict[str, Any]:
        status = resources().store.replayer(agreement_id, knowledge.version).status(on)
        return {**_echo(agreement_id, knowledge, known_at), "on": on.isoformat(), **status_out(status)}

    return cached(("status", agreement_id, on, knowledge_tag(knowledge, known_at)), known_at, answer, _answers())


@bp.get("/<agreement:agreement_id>/timeline")
@promises(
    summary="The timeline between two days",
    tag="agreements",
    query=TimelineQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(200, "maximal intervals of the same status", answers.TimelineAnswer, headers=READ_HEADERS),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_timeline(agreement_id: str) -> Response:
    query = reading.query(TIMELINE_QUERY)
    known_at = query["known_at"]
    knowledge = _knowledge(agreement_id, known_at)
    end = query["end"] or clock.today(knowledge.timezone)

    def answer() -> dict[str, Any]:
        records = resources().store.history(agreement_id, knowledge.version)
        start = query["start"] or min((r.event.occurred_on for r in developments(records)), default=end)
        if start > end:
            raise InvalidQuery(ValidationError({"from": [f"{start} is after 'to' ({end})"]}))
        if (end - start).days > MAX_TIMELINE_DAYS:
            raise InvalidQuery(ValidationError({"to": ["a timeline spans at most 300 years"]}))
        return {
            **_echo(agreement_id, knowledge, known_at),
            "from": start.isoformat(),
            "to": end.isoformat(),
            "intervals": INTERVALS.dump(timeline(records, start, end)),
        }

    parts = ("timeline", agreement_id, query["start"], end, knowledge_tag(knowledge, known_at))
    return cached(parts, known_at, answer, _answers())


@bp.get("/<agreement:agreement_id>/events")
@promises(
    summary="The agreement's events",
    tag="events",
    query=EventsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "a page of events in version order; with Accept: application/x-ndjson, one event a line; the "
            "next page, if any, in Link",
            answers.EventsPage,
            headers=(*READ_HEADERS, "Link"),
            alternatives=((NDJSON, answers.EventOut),),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", "streams-exhausted", *DATABASE_PROBLEMS),
)
def list_events(agreement_id: str) -> Response:
    """A page of the agreement's events after ``after_version``; with ``wait`` (and no
    ``known_at``, whose past cannot grow), an empty page is held back until a version past
    it is committed or the wait ends (a long-poll)."""
    query = reading.query(EVENTS_QUERY)
    known_at, after, limit = query["known_at"], query["after_version"], query["limit"]
    knowledge = _knowledge(agreement_id, known_at)
    if known_at is None and knowledge.version <= after:
        knowledge = (
            long_poll(lambda: queries.knowledge_past(resources().store, agreement_id, after), query["wait"])
            or knowledge
        )
    if request.accept_mimetypes.best_match(["application/json", NDJSON]) == NDJSON:
        return _events_as_lines(agreement_id, after, limit, known_at)

    def answer() -> dict[str, Any]:
        page = resources().store.read(agreement_id, after_version=after, limit=limit + 1, known_at=known_at)
        more = len(page) > limit
        page = page[:limit]
        return {
            **_echo(agreement_id, knowledge, known_at),
            "events": [event_out(record) for record in page],
            "next_after_version": page[-1].version if more else None,
        }

    def next_page(body: dict[str, Any]) -> str | None:
        following = body["next_after_version"]
        return None if following is None else _events_url(agreement_id, following, limit, known_at)

    parts = ("events", agreement_id, after, limit, knowledge_tag(knowledge, known_at))
    response = cached(parts, known_at, answer, _answers(), next_page)
    response.vary.add("Accept")  # the same URL also answers NDJSON: caches must tell them apart
    return response


def _events_as_lines(agreement_id: str, after: int, limit: int, known_at: datetime | None) -> Response:
    """The same page as NDJSON, one event a line as `pact-chronology import` reads them; the
    next page, if any, is in a Link header (RFC 8288)."""
    page = resources().store.read(agreement_id, after_version=after, limit=limit + 1, known_at=known_at)
    body = "".join(f"{json_line(event_out(record))}\n" for record in page[:limit])
    response = Response(body, mimetype=NDJSON, headers={"Cache-Control": "no-cache", "Vary": "Accept"})
    if len(page) > limit:
        response.headers["Link"] = link_to_next(_events_url(agreement_id, page[limit - 1].version, limit, known_at))
    return response


def _events_url(agreement_id: str, after_version: int, limit: int, known_at: datetime | None) -> str:
    """The URL of a page of an agreement's events."""
    parameters: dict[str, Any] = {"after_version": after_version, "limit": limit}
    if known_at is not None:
        parameters["known_at"] = known_at.isoformat()
    return url_for(".list_events", agreement_id=agreement_id, **parameters)


@bp.get("/<agreement:agreement_id>/history")
@promises(
    summary="How the status on a day changed as events were learnt",
    tag="agreements",
    query=HistoryQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(200, "each change of the answer, in transaction time", answers.HistoryAnswer, headers=READ_HEADERS),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_history(agreement_id: str) -> Response:
    query = reading.query(HISTORY_QUERY)
    knowledge = _knowledge(agreement_id, None)
    on = query["on"] or clock.today(knowledge.timezone)

    def answer() -> dict[str, Any]:
        found = changes(resources().store.history(agreement_id, knowledge.version), on)
        return {
            "agreement_id": agreement_id,
            "on": on.isoformat(),
            "changes": [
                {
                    "recorded_at": change.recorded_at.isoformat(),
                    "old": STATUS.dump(change.before),
                    "new": STATUS.dump(change.after),
                    "events": [_reference(record) for record in change.records],
                }
                for change in found
            ],
        }

    return cached(("history", agreement_id, on, knowledge_tag(knowledge, None)), None, answer, _answers())


@bp.post("/<agreement:agreement_id>/events")
@promises(
    summary="Append events",
    tag="events",
    body=AppendRequest,
    writes=True,
    request_headers=("If-Match", "X-Request-ID"),
    answers=(
        Answer(
            201,
            "appended",
            answers.AppendAnswer,
            headers=("ETag", "Location"),
            links=(
                follow("ListEvents", "agreements.list_events", "/agreement_id"),
                follow("GetTimeline", "agreements.get_timeline", "/agreement_id"),
            ),
        ),
        Answer(
            200, "these very events were stored before (a retry)", answers.AppendAnswer, headers=("ETag", "Location")
        ),
    ),
    problems=(
        *BODY_PROBLEMS,
        "rule-violation",
        "invalid-if-match",
        "agreement-not-found",
        "version-conflict",
        "event-id-conflict",
        "precondition-failed",
        *DATABASE_PROBLEMS,
    ),
)
def append_events(agreement_id: str) -> Response:
    writer = auth.writer()
    data = reading.body(APPEND_REQUEST)
    from_header = reading.if_match_version()
    if from_header is not None and data["expected_version"] not in (None, from_header):
        raise BadPrecondition(f"If-Match names version {from_header}, the body version {data['expected_version']}")
    expected = from_header if from_header is not None else data["expected_version"]
    events = [replace(new, metadata=reading.metadata(dict(new.metadata), writer)) for new in data["events"]]
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


def _answers() -> AnswerCache:
    return resources().answers


def _knowledge(agreement_id: str, known_at: datetime | None) -> Knowledge:
    return queries.knowledge(resources().store, agreement_id, known_at)


def _echo(agreement_id: str, knowledge: Knowledge, known_at: datetime | None) -> dict[str, Any]:
    """Both time axes of the answer. Without ``known_at`` the answer is the latest knowledge,
    which is the knowledge as of the newest event's recorded_at: that instant is echoed."""
    instant = known_at or knowledge.horizon
    return {"agreement_id": agreement_id, "known_at": instant.isoformat() if instant else None}


def _summary(agreement_id: str) -> queries.Summary:
    store = resources().store
    return queries.summary(store, queries.history_of(store, agreement_id), clock.app_clock())


def _agreement(agreement: queries.Summary) -> dict[str, Any]:
    profile = agreement.profile
    return {
        "id": agreement.agreement_id,
        "title": profile.title,
        "parties": list(profile.parties),
        "terms": TERMS.dump(profile.terms),
        "legally_binding": profile.legally_binding,
        "timezone": profile.timezone,
        "version": agreement.version,
        "status": {"on": agreement.today.isoformat(), **status_out(agreement.status)},
    }


def _reference(record: Recorded) -> dict[str, Any]:
    return {"id": str(record.event_id), "type": type_name(record.event), "version": record.version}
