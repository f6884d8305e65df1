"""An agreement's events: the page of them (JSON, or NDJSON as `pact-chronology import`
reads them, or held back as a long-poll) and the append.

They are routes of the agreements blueprint (service/api/agreements.py), under
/agreements/<id>/events: their endpoint names are the OpenAPI document's operationIds,
which clients are generated against.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import Response, jsonify, url_for

from service import commands, queries
from service.api.agreements import bp
from service.api.waiting import long_poll
from service.http import answers, auth, representations, requests
from service.http.caching import cached, link_to_next
from service.http.encoding import line as json_line
from service.http.handles import handles, known_as_asked
from service.http.inbound import AppendRequest, EventsQuery
from service.http.problems import BadPrecondition, PreconditionFailed
from service.http.promises import (
    BODY_PROBLEMS,
    DATABASE_PROBLEMS,
    NOT_MODIFIED,
    PERMALINKED,
    Answer,
    follow,
    promises,
)
from service.http.representations import NDJSON
from service.http.requests import CONSISTENCY_TOKEN
from service.storage.results import AppendResult, VersionConflict

APPEND_REQUEST = AppendRequest()


@bp.get("/<agreement:agreement_id>/events")
@promises(
    summary="The agreement's events",
    tag="events",
    query=EventsQuery,
    request_headers=("If-None-Match", CONSISTENCY_TOKEN),
    answers=(
        Answer(
            200,
            "a page of events in version order; with Accept: application/x-ndjson, one event a line; the "
            "next page, if any, in Link",
            answers.EventsPage,
            headers=PERMALINKED,
            alternatives=((NDJSON, answers.EventOut),),
            rows=("events",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", "streams-exhausted", *DATABASE_PROBLEMS),
)
def list_events(agreement_id: str) -> Response:
    """A page of the agreement's events after ``after_version``; with ``wait`` (and no
    ``known_at``, whose past cannot grow), an empty page is held back until a version past
    it is committed or the wait ends (a long-poll)."""
    query, known = requests.question(), known_as_asked(agreement_id)
    known_at, after, limit = query["known_at"], query["after_version"], query["limit"]
    if known_at is None and known.version <= after:
        known = long_poll(lambda: queries.known_past(handles().store, agreement_id, after), query["wait"]) or known
    if representations.chosen() == NDJSON:
        return _events_as_lines(agreement_id, after, limit, known_at)

    def answer() -> dict[str, Any]:
        page = known.page(after, limit + 1, known_at)
        more = len(page) > limit
        page = page[:limit]
        return {
            **answers.echo(agreement_id, known.knowledge, known_at),
            "events": answers.EVENTS.dump(page),
            "next_after_version": page[-1].version if more else None,
        }

    def next_page(body: dict[str, Any]) -> str | None:
        following = body["next_after_version"]
        return None if following is None else _events_url(agreement_id, following, limit, known_at)

    return cached(
        answer, handles().bodies, knowledge=known.version, horizon=known.knowledge.horizon, next_page=next_page
    )


def _events_as_lines(agreement_id: str, after: int, limit: int, known_at: datetime | None) -> Response:
    """The same page as NDJSON, one event a line as `pact-chronology import` reads them; the
    next page, if any, is in a Link header (RFC 8288)."""
    page = queries.events_page(handles().store, agreement_id, after, limit + 1, known_at)
    body = "".join(f"{json_line(answers.EVENT.dump(record))}\n" for record in page[:limit])
    response = Response(body, mimetype=NDJSON, headers={"Cache-Control": "no-cache"})
    if len(page) > limit:
        response.headers["Link"] = link_to_next(_events_url(agreement_id, page[limit - 1].version, limit, known_at))
    return response


def _events_url(agreement_id: str, after_version: int, limit: int, known_at: datetime | None) -> str:
    """The URL of a page of an agreement's events."""
    parameters: dict[str, Any] = {"after_version": after_version, "limit": limit}
    if known_at is not None:
        parameters["known_at"] = known_at.isoformat()
    return url_for(".list_events", agreement_id=agreement_id, **parameters)


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
            headers=("ETag", "Location", CONSISTENCY_TOKEN),
            links=(
                follow("ListEvents", "agreements.list_events", "/agreement_id"),
                follow("GetTimeline", "agreements.get_timeline", "/agreement_id"),
            ),
        ),
        Answer(
            200,
            "these very events were stored before (a retry)",
            answers.AppendAnswer,
            headers=("ETag", "Location", CONSISTENCY_TOKEN),
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
    writer = auth.writer(handles().pool)
    data = requests.body(APPEND_REQUEST)
    from_header = requests.if_match_version()
    if from_header is not None and data["expected_version"] not in (None, from_header):
        raise BadPrecondition(f"If-Match names version {from_header}, the body version {data['expected_version']}")
    expected = from_header if from_header is not None else data["expected_version"]
    events = [replace(new, metadata=requests.metadata(dict(new.metadata), writer)) for new in data["events"]]
    try:
        result = commands.append(handles().store, agreement_id, events, expected)
    except VersionConflict as conflict:
        if from_header is None:
            raise
        raise PreconditionFailed(conflict.expected, conflict.actual) from None
    return _appended(agreement_id, result)


def _appended(agreement_id: str, result: AppendResult) -> Response:
    response = jsonify(answers.APPENDED.dump(result))
    # A replayed (idempotent) request created nothing new: 200 with the original result.
    response.status_code = 200 if result.retried else 201
    response.headers["ETag"] = f'"{result.version}"'
    response.headers[CONSISTENCY_TOKEN] = str(result.token)
    response.headers["Location"] = url_for(
        ".list_events",
        agreement_id=agreement_id,
        after_version=result.first_version - 1,
        limit=len(result.event_ids),
    )
    return response
