"""The agreements resource: the list, registration, each agreement, and the questions
asked of its replay (status, timeline, history). Its events -- their pages and the
append -- are routes of this blueprint too, in service/api/agreement_events.py.

Views parse, call, shape: each one loads its input with a schema, asks the store or the
replay, and dumps the answer. Errors are exceptions, turned into problems in one place.
Read answers go through ``cached``: a cheap knowledge query decides the ETag first, so a
client holding the current answer gets a 304 without any event being read or replayed.
"""

from typing import Any
from uuid import uuid4

from flask import Blueprint, Response, url_for
from marshmallow import ValidationError

from events import AgreementRegistered, NewEvent, Party, Phase, Recorded, changes, developments, timeline, type_name
from service import clock, commands, queries
from service.http import answers, auth, representations, requests
from service.http.caching import cached, link_to_next, today_by_default
from service.http.handles import handles, known_as_asked
from service.http.inbound import HistoryQuery, ListQuery, RegisterRequest, StatusQuery, TimelineQuery, party_of
from service.http.problems import InvalidQuery
from service.http.promises import (
    BODY_PROBLEMS,
    DATABASE_PROBLEMS,
    NOT_MODIFIED,
    PERMALINKED,
    READ_HEADERS,
    Answer,
    follow,
    promises,
)
from service.http.requests import CONSISTENCY_TOKEN
from service.http.statuses import INTERVALS, STATUS

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

# Long enough for any agreement's life, short enough that a typo like 9999 cannot make the
# service enumerate thousands of renewals.
MAX_TIMELINE_DAYS = 300 * 366
REGISTER_REQUEST = RegisterRequest()


@bp.get("")
@promises(
    summary="List agreements",
    tag="agreements",
    query=ListQuery,
    answers=(
        Answer(
            200,
            "a page of agreements by id, each with its status today",
            answers.AgreementsPage,
            headers=("Link",),
            rows=("agreements",),
        ),
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def list_agreements() -> Response:
    """A page of agreements by id, each with its status today; ``phase`` keeps those in that
    phase today, ``in_force_on`` those in force on that day. Streams are read a page at a
    time, their replays come from memory as far as it holds them."""
    query = requests.question()
    limit = query["limit"]
    phase = Phase(query["phase"]) if query["phase"] is not None else None
    found, more = queries.agreements(
        handles().store, clock.app_clock(), query["after"] or "", limit, phase, query["in_force_on"]
    )
    next_after = found[-1].agreement_id if more else None
    response = representations.respond({"agreements": answers.AGREEMENTS.dump(found), "next_after": next_after})
    if next_after is not None:
        filters = {name: query[name] for name in ("phase", "in_force_on") if query[name] is not None}
        following = url_for(".list_agreements", after=next_after, limit=limit, **filters)
        response.headers["Link"] = link_to_next(representations.keep_format(following))
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
            headers=("Location", CONSISTENCY_TOKEN),
            links=(
                follow("GetAgreement", "agreements.get_agreement", "/id"),
                follow("GetStatus", "agreements.get_status", "/id"),
                follow("AppendEvents", "agreements.append_events", "/id"),
            ),
        ),
        Answer(
            200,
            "this very registration was stored before (a retry)",
            answers.RegisteredAnswer,
            headers=("Location", CONSISTENCY_TOKEN),
        ),
    ),
    problems=(*BODY_PROBLEMS, "agreement-exists", "event-id-conflict", *DATABASE_PROBLEMS),
)
def register_agreement() -> tuple[dict[str, Any], int, dict[str, str]]:
    writer = auth.writer(handles().pool)
    data = requests.body(REGISTER_REQUEST)
    envelope = {key: data.pop(key) for key in ("id", "event_id", "occurred_on", "sources", "metadata")}
    registration = AgreementRegistered(occurred_on=envelope["occurred_on"] or clock.today(data["timezone"]), **data)
    new = NewEvent(
        event=registration,
        event_id=envelope["event_id"] or uuid4(),
        sources=envelope["sources"],
        metadata=requests.metadata(envelope["metadata"], writer),
    )
    result = commands.register(handles().store, envelope["id"], new)
    body = answers.AGREEMENT.dump(_summary(envelope["id"]))
    status = 200 if result.retried else 201
    headers = {"Location": url_for(".get_agreement", agreement_id=envelope["id"]), CONSISTENCY_TOKEN: str(result.token)}
    return {**body, "replayed": result.retried, "consistency_token": str(result.token)}, status, headers


@bp.get("/<agreement:agreement_id>")
@promises(
    summary="An agreement",
    tag="agreements",
    answers=(Answer(200, "its profile, version and status today", answers.AgreementOut),),
    problems=("agreement-not-found", *DATABASE_PROBLEMS),
)
def get_agreement(agreement_id: str) -> dict[str, Any]:
    return answers.AGREEMENT.dump(_summary(agreement_id))


@bp.get("/<agreement:agreement_id>/status")
@promises(
    summary="The status on a day",
    tag="agreements",
    query=StatusQuery,
    request_headers=("If-None-Match", CONSISTENCY_TOKEN),
    answers=(
        Answer(200, "the status, with the events it rests on", answers.StatusAnswer, headers=PERMALINKED),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_status(agreement_id: str) -> Response:
    query, known = requests.question(), known_as_asked(agreement_id)
    on = query["on"] or today_by_default("on", known.knowledge.timezone)
    party = _perspective(agreement_id, query["perspective"])

    def answer() -> dict[str, Any]:
        status = known.replayer().status(on, party)
        echo = {**answers.echo(agreement_id, known.knowledge, query["known_at"]), **_as(party)}
        return {**echo, "on": on.isoformat(), **answers.STATUS_WITH_PROVENANCE.dump(status)}

    return cached(answer, handles().bodies, knowledge=known.version, horizon=known.knowledge.horizon)


@bp.get("/<agreement:agreement_id>/timeline")
@promises(
    summary="The timeline between two days",
    tag="agreements",
    query=TimelineQuery,
    request_headers=("If-None-Match", CONSISTENCY_TOKEN),
    answers=(
        Answer(
            200,
            "maximal intervals of the same status",
            answers.TimelineAnswer,
            headers=PERMALINKED,
            rows=("intervals",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_timeline(agreement_id: str) -> Response:
    query, known = requests.question(), known_as_asked(agreement_id)
    end = query["end"] or today_by_default("to", known.knowledge.timezone)
    party = _perspective(agreement_id, query["perspective"])

    def answer() -> dict[str, Any]:
        records = known.history()
        start = query["start"] or min((r.event.occurred_on for r in developments(records)), default=end)
        if start > end:
            raise InvalidQuery(ValidationError({"from": [f"{start} is after 'to' ({end})"]}))
        if (end - start).days > MAX_TIMELINE_DAYS:
            raise InvalidQuery(ValidationError({"to": ["a timeline spans at most 300 years"]}))
        return {
            **answers.echo(agreement_id, known.knowledge, query["known_at"]),
            **_as(party),
            "from": start.isoformat(),
            "to": end.isoformat(),
            "intervals": INTERVALS.dump(timeline(records, start, end, perspective=party)),
        }

    return cached(answer, handles().bodies, knowledge=known.version, horizon=known.knowledge.horizon)


@bp.get("/<agreement:agreement_id>/history")
@promises(
    summary="How the status on a day changed as events were learnt",
    tag="agreements",
    query=HistoryQuery,
    request_headers=("If-None-Match", CONSISTENCY_TOKEN),
    answers=(
        Answer(
            200,
            "each change of the answer, in transaction time",
            answers.HistoryAnswer,
            headers=READ_HEADERS,
            rows=("changes",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def get_history(agreement_id: str) -> Response:
    query, known = requests.question(), known_as_asked(agreement_id)
    on = query["on"] or today_by_default("on", known.knowledge.timezone)

    def answer() -> dict[str, Any]:
        found = changes(known.history(), on)
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

    return cached(answer, handles().bodies, knowledge=known.version)


def _summary(agreement_id: str) -> queries.Summary:
    store = handles().store
    return queries.summary(store, queries.history_of(store, agreement_id), clock.app_clock())


def _perspective(agreement_id: str, party_id: str | None) -> Party | None:
    """The party asked to answer as, which must be one of the agreement's (else 400)."""
    if party_id is None:
        return None
    return party_of(queries.registration_of(handles().store, agreement_id), party_id)


def _as(party: Party | None) -> dict[str, str]:
    """The perspective an answer was asked from, said only when one was."""
    return {"perspective": party.id} if party is not None else {}


def _reference(record: Recorded) -> dict[str, Any]:
    return {"id": str(record.event_id), "type": type_name(record.event), "version": record.version}
