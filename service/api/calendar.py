"""The dates to watch, for dashboards (GET /deadlines, every agreement) and for calendar
apps (GET /agreements/<id>/calendar.ics, RFC 5545). Both come from the domain's deadlines (events/replay/deadlines.py),
computed from the same replay as every status; nothing here is stored.
"""

from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import Blueprint, Response, url_for
from icalendar import Calendar, Event
from marshmallow import ValidationError

from events import LATEST_DAY, AgreementRegistered, Deadline, DeadlineKind, deadlines, developments
from service import clock, queries
from service.http import answers, requests
from service.http.caching import cached, today_by_default
from service.http.handles import handles
from service.http.inbound import CalendarQuery, DeadlinesQuery, party_of
from service.http.problems import InvalidQuery
from service.http.promises import DATABASE_PROBLEMS, NOT_MODIFIED, PERMALINKED, Answer, promises

bp = Blueprint("calendar", __name__)

# A dashboard looks years ahead, not centuries: each agreement is replayed over the range.
MAX_DAYS = 10 * 366
DEFAULT_DAYS = 366
# How far ahead a subscribed calendar reaches; it is fetched again as time passes.
CALENDAR_YEARS_AHEAD = 5
WHAT = {
    DeadlineKind.NOTICE_DEADLINE: "last day to give notice of termination before term {term} renews",
    DeadlineKind.TERM_END: "last day of term {term}",
    DeadlineKind.TERMINATION_EFFECTIVE: "the notice of termination takes effect",
}


@bp.get("/deadlines")
@promises(
    summary="Coming deadlines of every agreement",
    tag="calendar",
    query=DeadlinesQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "deadlines in date order, paged",
            answers.DeadlinesPage,
            headers=PERMALINKED,
            rows=("deadlines",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def list_deadlines() -> Response:
    """Notice deadlines, term ends and pending notices taking effect between ``from``
    (default today, UTC) and ``to`` (default a year later), at most ten years apart, as
    known at ``known_at``."""
    query = requests.question()
    start = query["start"] or today_by_default("from", "UTC")
    end = query["end"] or min(start + timedelta(days=DEFAULT_DAYS), LATEST_DAY)
    if start > end:
        raise InvalidQuery(ValidationError({"to": [f"{end} is before 'from' ({start})"]}))
    if (end - start).days > MAX_DAYS:
        raise InvalidQuery(ValidationError({"to": ["at most ten years after 'from'"]}))
    after, limit, perspective = query["after"], query["limit"], query["perspective"]
    known = queries.every_agreement(handles().store, query["known_at"])
    streams = tuple(sorted(queries.versions(known).items()))

    def answer() -> dict[str, Any]:
        found = sorted(
            (deadline.on, agreement_id, deadline.kind.value, deadline.term, deadline.held_by)
            for agreement_id, deadline in _every_deadline(streams, start, end, perspective)
            if after is None or (deadline.on.isoformat(), agreement_id, deadline.kind.value) > after
        )
        page = found[:limit]
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "deadlines": answers.DEADLINES.dump(
                {"on": on, "agreement_id": agreement_id, "kind": DeadlineKind(kind), "term": term}
                | ({"held_by": list(held_by)} if held_by else {})
                for on, agreement_id, kind, term, held_by in page
            ),
            "next_after": _cursor(page[-1]) if len(found) > limit else None,
        }

    def next_page(body: dict[str, Any]) -> str | None:
        if body["next_after"] is None:
            return None
        parameters: dict[str, object] = {"from": start, "to": end, "after": body["next_after"], "limit": limit}
        if perspective is not None:
            parameters["perspective"] = perspective
        if query["known_at"] is not None:
            parameters["known_at"] = query["known_at"].isoformat()
        return url_for(".list_deadlines", **parameters)  # type: ignore[arg-type]

    # The answer depends on every stream's version: a dashboard polling it gets a 304, or
    # the body from memory, until one changes.
    return cached(answer, handles().bodies, knowledge=streams, horizon=queries.horizon(known), next_page=next_page)


def _every_deadline(
    streams: tuple[tuple[str, int], ...], start: date, end: date, party_id: str | None
) -> list[tuple[str, Deadline]]:
    """Every agreement's deadlines; those ``party_id`` is a party to, as it reads them."""
    store = handles().store
    found = []
    for stream_id, version in streams:
        history = queries.history_at(store, stream_id, version)
        party = queries.registration_in(history).party(party_id) if party_id is not None else None
        found += [(stream_id, deadline) for deadline in deadlines(history, start, end, perspective=party)]
    return found


def _cursor(entry: tuple[date, str, str, int | None, tuple[str, ...]]) -> str:
    on, agreement_id, kind, _, _ = entry
    return f"{on.isoformat()}~{agreement_id}~{kind}"


@bp.get("/agreements/<agreement:agreement_id>/calendar.ics")
@promises(
    summary="The agreement's deadlines as a calendar",
    tag="calendar",
    query=CalendarQuery,
    answers=(Answer(200, "an iCalendar (RFC 5545) to subscribe to", None, "text/calendar"),),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def calendar(agreement_id: str) -> Response:
    """Every notice deadline, term end and pending notice's effect, from the first term to
    five years ahead, as all-day events a calendar app can subscribe to; with ``perspective``
    as that party reads a contested fact, else each reading's, saying whose."""
    perspective_id = requests.question()["perspective"]
    history = queries.history_of(handles().store, agreement_id)
    registration = queries.registration_in(history)
    party = party_of(registration, perspective_id)
    today = clock.today(registration.timezone)
    first = min((record.event.occurred_on for record in developments(history)), default=today)
    last = min(today + relativedelta(years=CALENDAR_YEARS_AHEAD), LATEST_DAY)  # 29 February too
    stamp = max(record.recorded_at for record in history)
    ical = Calendar()
    ical.add("prodid", "-//pact-chronology//deadlines//EN")
    ical.add("version", "2.0")
    ical.add("x-wr-calname", f"{registration.title}: deadlines")
    for deadline in deadlines(history, first, last, perspective=party):
        ical.add_component(_event(agreement_id, registration, deadline, stamp))
    response = Response(ical.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{agreement_id}.ics"'
    return response


def _event(agreement_id: str, registration: AgreementRegistered, deadline: Deadline, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{agreement_id}-{deadline.kind.value}-{deadline.on.isoformat()}@pact-chronology")
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.on)
    event.add("dtend", deadline.on + timedelta(days=1))
    what = WHAT[deadline.kind].format(term=deadline.term)
    if deadline.held_by:
        readers = [party.name for party in registration.parties if party.id in deadline.held_by]
        what += f" (as {' and '.join(readers)} {'reads' if len(readers) == 1 else 'read'} a contested renewal)"
    event.add("summary", f"{registration.title}: {what}")
    event.add("transp", "TRANSPARENT")
    return event
