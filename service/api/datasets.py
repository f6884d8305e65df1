"""Tables for research: GET /datasets/dyads, for every pair of parties an agreement bound
together, each span during which it bound both -- or, with ``granularity=year``, each span's
part in each calendar year with its number of days: the dyad-year layout of ATOP and the
Correlates of War alliance data, to the day, with the events each span rests on and as
known at any instant.

The spans are the replay's (events/replay/dyads.py), which asks of every day what
GET /relations asks of one: the two answer alike by construction. A party is named by its
id (ISO 3166-1 alpha-3 for a state) and, where it has one, its Correlates of War state code
(the ``countrycode`` package, the political science standard).
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from countrycode import countrycode
from flask import Blueprint, Response, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from events import PARTY_ID_PATTERN, Day, DyadPhase, DyadSpan, Matching, Precision, QueryCount
from service import clock, queries
from service.http import requests
from service.http.answers import EVENTS, EventOut
from service.http.caching import cached, today_by_default
from service.http.handles import handles
from service.http.inbound import agreement_id, description, known_at
from service.http.problems import InvalidQuery
from service.http.promises import DATABASE_PROBLEMS, NOT_MODIFIED, PERMALINKED, Answer, promises
from service.http.statuses import IntervalOut
from service.storage.results import Knowledge

bp = Blueprint("datasets", __name__, url_prefix="/datasets")

# A window of at most three centuries, as a timeline's: a year row per pair, agreement and
# year stays a bounded number.
MAX_DAYS = 300 * 366
# How far ahead a table reaches: each renewal to come is an interval, each year a dyad-year.
MAX_AHEAD_DAYS = 100 * 366
GRANULARITIES = ("span", "year")
# Where a page of a table ended: the sort key of its last row, its parts joined by "~".
CURSOR_PATTERN = "[A-Za-z0-9_-]{1,63}(~[A-Za-z0-9_-]{1,63}){1,3}"
# A table is downloaded a page at a time, a large one for a statistics package: bounded, so
# no request builds an answer of unbounded size.
MAX_ROWS = 100_000


def cursor() -> Matching:
    return Matching(
        CURSOR_PATTERN,
        "not a cursor of this table (take next_after from the previous page)",
        load_default=None,
        metadata=description("where the previous page ended: its `next_after`"),
    )


def reading_as() -> Matching:
    return Matching(
        f"({PARTY_ID_PATTERN})",
        "not a party id (like KOR, or nato)",
        load_default=None,
        metadata=description("a party's id: its agreements as it reads a contested fact"),
    )


def rows_per_page() -> QueryCount:
    return QueryCount(load_default=1000, minimum=1, maximum=MAX_ROWS)


class DyadsQuery(Schema):
    party = Matching(
        f"({PARTY_ID_PATTERN})",
        "not a party id (like KOR, or nato)",
        load_default=None,
        metadata=description("only the pairs this party is one of"),
    )
    agreement = agreement_id(load_default=None, metadata=description("only this agreement's pairs"))
    start = Day(
        data_key="from",
        load_default=None,
        metadata=description("only spans that bind on this day or later; default: from the first event"),
    )
    end = Day(
        data_key="to",
        load_default=None,
        metadata=description(
            "the last day asked: only spans that bind on it or earlier, and a span binding that day has no `to`;"
            " default: today, where each agreement lives. Not before `from`, at most 300 years after it and at most"
            " 100 years from today (else 400)"
        ),
    )
    known_at = known_at()
    perspective = reading_as()
    granularity = fields.String(
        load_default="span",
        validate=validate.OneOf(GRANULARITIES),
        metadata=description("`span`: a row per span; `year`: a row per span and calendar year, with its days"),
    )
    after = cursor()
    limit = rows_per_page()


class DyadOut(Schema):
    """A span during which an agreement bound two parties (a ``Dyad``), whole or its part
    in one calendar year."""

    party_a = fields.String(
        required=True, metadata=description("the pair's first party id (ISO 3166-1 alpha-3 for a state)")
    )
    party_b = fields.String(required=True, metadata=description("the other, sorting after it"))
    ccode_a = fields.Integer(
        required=True, allow_none=True, metadata=description("party_a's Correlates of War state code (null: none)")
    )
    ccode_b = fields.Integer(
        required=True, allow_none=True, metadata=description("party_b's Correlates of War state code (null: none)")
    )
    agreement_id = fields.String(required=True)
    phase = fields.Enum(DyadPhase, by_value=True, required=True)
    year = fields.Integer(required=True, allow_none=True, metadata=description("with granularity=year: the year"))
    start = fields.Date(required=True, data_key="from", metadata=description("its first day"))
    from_precision = fields.Enum(
        Precision,
        by_value=True,
        required=True,
        metadata=description("`month`: bound from some day of that month on (`from` is its first day)"),
    )
    end = fields.Date(
        required=True,
        allow_none=True,
        data_key="to",
        metadata=description("its last day; null while it binds them on the last day asked"),
    )
    to_precision = fields.Enum(
        Precision,
        by_value=True,
        required=True,
        allow_none=True,
        metadata=description("`month`: bound until some day of that month (`to` is its last day)"),
    )
    days = fields.Integer(required=True, metadata=description("how many days it covers, to the last day asked"))
    based_on = fields.List(
        fields.UUID(), required=True, metadata=description("the events it rests on: how it began, and ended")
    )


class DyadsPage(Schema):
    start = fields.Date(required=True, allow_none=True, data_key="from")
    end = fields.Date(required=True, allow_none=True, data_key="to", metadata=description("null: today"))
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata=description("null: all known now"))
    granularity = fields.String(required=True, metadata={"enum": list(GRANULARITIES)})
    dyads = fields.List(fields.Nested(DyadOut), required=True)
    next_after = fields.String(required=True, allow_none=True)


class EventsTableQuery(Schema):
    agreement = agreement_id(load_default=None, metadata=description("only this agreement's events"))
    known_at = known_at()
    after = cursor()
    limit = rows_per_page()


class EventsTable(Schema):
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata=description("null: all known now"))
    events = fields.List(fields.Nested(EventOut), required=True)
    next_after = fields.String(required=True, allow_none=True)


class TimelinesQuery(Schema):
    agreement = agreement_id(load_default=None, metadata=description("only this agreement's timeline"))
    end = Day(
        data_key="to",
        load_default=None,
        metadata=description(
            "the last day of every timeline; default: today, where each agreement lives; at most 100 years from today"
        ),
    )
    known_at = known_at()
    perspective = reading_as()
    after = cursor()
    limit = rows_per_page()


class TimelineRow(IntervalOut):
    """An interval of one agreement's timeline, with the agreement's id first."""

    agreement_id = fields.String(required=True)

    class Meta:
        fields = ("agreement_id", *IntervalOut._declared_fields)


class TimelinesTable(Schema):
    end = fields.Date(required=True, allow_none=True, data_key="to", metadata=description("null: today"))
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata=description("null: all known now"))
    intervals = fields.List(fields.Nested(TimelineRow), required=True)
    next_after = fields.String(required=True, allow_none=True)


DYADS = DyadOut(many=True)
INTERVAL = IntervalOut()


@bp.get("/dyads")
@promises(
    summary="Which agreements bound which pairs of parties, and when",
    tag="datasets",
    query=DyadsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "rows by pair, agreement and first day, paged; the next page, if any, in Link",
            DyadsPage,
            headers=PERMALINKED,
            rows=("dyads",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def list_dyads() -> Response:
    """For every pair of parties an agreement bound together (in force for both, or applied
    provisionally), each span it bound both, as known at ``known_at``; with
    ``granularity=year``, each span's part in each calendar year and its days."""
    query = requests.question()
    store = handles().store
    known = _concerned(queries.every_agreement(store, query["known_at"]), query["agreement"], query["party"])
    until = {stream_id: query["end"] or today_by_default("to", k.timezone) for stream_id, k in known.items()}
    _not_far_ahead(query["end"])
    _check_window(query["start"], query["end"], until)

    def answer() -> dict[str, Any]:
        rows = dyad_rows(known, until, query["start"], query["party"], query["perspective"], query["granularity"])
        page, next_after = _page(rows, query["after"], query["limit"])
        return {
            "from": query["start"].isoformat() if query["start"] else None,
            "to": query["end"].isoformat() if query["end"] else None,
            "known_at": instant_or_none(query["known_at"]),
            "granularity": query["granularity"],
            "dyads": DYADS.dump(page),
            "next_after": next_after,
        }

    return _cached(answer, known)


@bp.get("/events")
@promises(
    summary="Every agreement's events, as one table",
    tag="datasets",
    query=EventsTableQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "events by agreement and version, paged; the next page, if any, in Link",
            EventsTable,
            headers=PERMALINKED,
            rows=("events",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def events_table() -> Response:
    """Every event of every agreement (or of ``agreement``) as recorded at ``known_at``, in
    its stream's order, with its sources: what ``GET /agreements/<id>/events`` pages through,
    for all of them at once."""
    query = requests.question()
    store = handles().store
    known = _concerned(queries.every_agreement(store, query["known_at"]), query["agreement"], None)

    def answer() -> dict[str, Any]:
        page, next_after = _page(event_rows(known), query["after"], query["limit"])
        return {"known_at": instant_or_none(query["known_at"]), "events": EVENTS.dump(page), "next_after": next_after}

    return _cached(answer, known)


@bp.get("/timelines")
@promises(
    summary="Every agreement's timeline, as one table",
    tag="datasets",
    query=TimelinesQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "intervals by agreement and first day, paged; the next page, if any, in Link",
            TimelinesTable,
            headers=PERMALINKED,
            rows=("intervals",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def timelines_table() -> Response:
    """Every agreement's timeline (or ``agreement``'s), from its first development to ``to``
    (default today, where it lives), as known at ``known_at``: each interval with its
    agreement's id, as ``GET /agreements/<id>/timeline`` gives them."""
    query = requests.question()
    store = handles().store
    known = _concerned(queries.every_agreement(store, query["known_at"]), query["agreement"], None)
    until = {stream_id: query["end"] or today_by_default("to", k.timezone) for stream_id, k in known.items()}
    _not_far_ahead(query["end"])

    def answer() -> dict[str, Any]:
        page, next_after = _page(timeline_rows(known, until, query["perspective"]), query["after"], query["limit"])
        return {
            "to": query["end"].isoformat() if query["end"] else None,
            "known_at": instant_or_none(query["known_at"]),
            "intervals": [{"agreement_id": agreement_id, **INTERVAL.dump(interval)} for agreement_id, interval in page],
            "next_after": next_after,
        }

    return _cached(answer, known)


Keyed = Iterable[tuple[tuple[str, ...], Any]]


def event_rows(known: dict[str, Knowledge]) -> Keyed:
    """Every event of the agreements ``known``, keyed by agreement and version."""
    store = handles().store
    for stream_id, knowledge in sorted(known.items()):
        for record in store.history(stream_id, knowledge.version):
            yield (stream_id, f"{record.version:010d}"), record


def timeline_rows(known: dict[str, Knowledge], until: dict[str, date], perspective: str | None) -> Keyed:
    """Every interval of the agreements' timelines up to their day in ``until``, keyed by
    agreement and first day."""
    store = handles().store
    for stream_id, knowledge in sorted(known.items()):
        for interval in queries.timeline_of(store, stream_id, knowledge.version, until[stream_id], perspective):
            yield (stream_id, interval.starts_on.isoformat()), (stream_id, interval)


def dyad_rows(
    known: dict[str, Knowledge],
    until: dict[str, date],
    start: date | None,
    party: str | None,
    perspective: str | None,
    granularity: str,
) -> Keyed:
    """The agreements' dyads up to their day in ``until`` that bind on ``start`` or later
    (those of ``party`` only, when named), whole or by year, keyed by pair, agreement and
    first day."""
    for stream_id, span in queries.dyads_of(handles().store, known, until, perspective):
        if party in (None, span.party_a.id, span.party_b.id):
            yield from _rows(stream_id, span, start, until[stream_id], granularity)


def _cached(answer: Callable[[], dict[str, Any]], known: dict[str, Knowledge]) -> Response:
    """A table's answer, through the cache: it replays every agreement ``known``, and its
    permalink pins the newest of that knowledge."""
    return cached(
        answer,
        handles().bodies,
        knowledge=queries.versions(known),
        horizon=queries.horizon(known),
        next_page=_next_page,
    )


def _page(rows: Keyed, after: str | None, limit: int) -> tuple[list[Any], str | None]:
    """The rows after the cursor ``after``, by their keys, at most ``limit`` of them, and
    the cursor of the next page (None on the last)."""
    keyed = sorted(
        ((key, row) for key, row in rows if after is None or key > tuple(after.split("~"))), key=lambda kept: kept[0]
    )
    following = "~".join(keyed[limit - 1][0]) if len(keyed) > limit else None
    return [row for _, row in keyed[:limit]], following


def _next_page(body: dict[str, Any]) -> str | None:
    """The same question after the page's end, if the table goes on."""
    if body["next_after"] is None:
        return None
    asked = {name: value for name, value in request.args.items() if name != "after"}
    return url_for(request.endpoint or "", **asked, after=body["next_after"])  # type: ignore[arg-type]


def instant_or_none(instant: datetime | None) -> str | None:
    """An instant as an answer writes it, or None."""
    return instant.isoformat() if instant else None


def _concerned(known: dict[str, Knowledge], agreement: str | None, party: str | None) -> dict[str, Knowledge]:
    """The agreements the question concerns: the one asked for (404 unless it is known),
    or those the party is one of, or all."""
    if agreement is not None:
        if agreement not in known:
            raise queries.AgreementNotFound(agreement)
        return {agreement: known[agreement]}
    if party is not None:
        parties_of = handles().store.registrations.of_party(party)
        return {stream_id: k for stream_id, k in known.items() if stream_id in parties_of}
    return known


def _not_far_ahead(end: date | None) -> None:
    """A table's last day at most MAX_AHEAD_DAYS from today: each year ahead is rows more."""
    if end is not None and end > clock.today("UTC") + timedelta(days=MAX_AHEAD_DAYS):
        raise InvalidQuery(ValidationError({"to": ["at most 100 years from today"]}))


def _check_window(start: date | None, end: date | None, until: dict[str, date]) -> None:
    """``from`` not after the last day asked, and at most MAX_DAYS before it."""
    last = end or max(until.values(), default=None)
    if start is None or last is None:
        return
    if start > last:
        raise InvalidQuery(ValidationError({"to": [f"{last} is before 'from' ({start})"]}))
    if (last - start).days > MAX_DAYS:
        raise InvalidQuery(ValidationError({"to": ["at most 300 years after 'from'"]}))


def _rows(
    stream_id: str, span: DyadSpan, start: date | None, until: date, granularity: str
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """The span as rows -- whole, or its part in each calendar year -- that bind on
    ``start`` or later, each keyed for its page order: pair, agreement, first day."""
    parts = [(None, span)] if granularity == "span" else list(span.years(until))
    for year, part in parts:
        if start is None or (part.ends_on or until) >= start:
            key = (span.party_a.id, span.party_b.id, stream_id, part.starts_on.isoformat())
            yield key, _row(stream_id, year, part, until)


def _row(stream_id: str, year: int | None, span: DyadSpan, until: date) -> dict[str, Any]:
    return {
        "party_a": span.party_a.id,
        "party_b": span.party_b.id,
        "ccode_a": cow_code(span.party_a.id),
        "ccode_b": cow_code(span.party_b.id),
        "agreement_id": stream_id,
        "phase": span.phase,
        "year": year,
        "start": span.starts_on,
        "from_precision": span.starts_precision,
        "end": span.ends_on,
        "to_precision": span.ends_precision,
        "days": span.days(until),
        "based_on": [record.event_id for record in span.based_on],
    }


@cache
def cow_code(party_id: str) -> int | None:
    """The Correlates of War state code of the state with this ISO 3166-1 alpha-3 code;
    None for a party that is no state (an organisation's slug) or has none."""
    if len(party_id) != 3 or not party_id.isupper():
        return None
    found = countrycode(party_id, origin="iso3c", destination="cown")
    return int(found) if found is not None else None
