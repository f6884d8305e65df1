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

from datetime import date
from functools import cache
from typing import Any

from countrycode import countrycode
from flask import Blueprint, Response, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from events import PARTY_ID_PATTERN, Day, DyadPhase, DyadSpan, Matching, Precision, QueryCount
from service import queries
from service.http import requests
from service.http.caching import cached, today_by_default
from service.http.handles import handles
from service.http.inbound import agreement_id, description, known_at
from service.http.problems import InvalidQuery
from service.http.promises import DATABASE_PROBLEMS, NOT_MODIFIED, PERMALINKED, Answer, promises
from service.storage.results import AGREEMENT_ID_PATTERN, Knowledge

bp = Blueprint("datasets", __name__, url_prefix="/datasets")

# A window of at most three centuries, as a timeline's: a year row per pair, agreement and
# year stays a bounded number.
MAX_DAYS = 300 * 366
GRANULARITIES = ("span", "year")
_DAY = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
CURSOR_PATTERN = f"({PARTY_ID_PATTERN})~({PARTY_ID_PATTERN})~({AGREEMENT_ID_PATTERN})~({_DAY})"


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
            " default: today, where each agreement lives. Not before `from`, and at most 300 years after it (else 400)"
        ),
    )
    known_at = known_at()
    perspective = Matching(
        f"({PARTY_ID_PATTERN})",
        "not a party id (like KOR, or nato)",
        load_default=None,
        metadata=description("a party's id: its agreements as it reads a contested fact"),
    )
    granularity = fields.String(
        load_default="span",
        validate=validate.OneOf(GRANULARITIES),
        metadata=description("`span`: a row per span; `year`: a row per span and calendar year, with its days"),
    )
    after = Matching(
        CURSOR_PATTERN,
        "not a dyads cursor (take next_after from the previous page)",
        load_default=None,
        metadata=description("where the previous page ended: its `next_after`"),
    )
    limit = QueryCount(load_default=100, minimum=1, maximum=1000)


class DyadOut(Schema):
    """A span during which an agreement bound two parties (a ``Dyad``), whole or its part
    in one calendar year."""

    party_a = fields.String(
        required=True, metadata={"description": "the pair's first party id (ISO 3166-1 alpha-3 for a state)"}
    )
    party_b = fields.String(required=True, metadata={"description": "the other, sorting after it"})
    ccode_a = fields.Integer(
        required=True, allow_none=True, metadata={"description": "party_a's Correlates of War state code (null: none)"}
    )
    ccode_b = fields.Integer(
        required=True, allow_none=True, metadata={"description": "party_b's Correlates of War state code (null: none)"}
    )
    agreement_id = fields.String(required=True)
    phase = fields.Enum(DyadPhase, by_value=True, required=True)
    year = fields.Integer(required=True, allow_none=True, metadata={"description": "with granularity=year: the year"})
    start = fields.Date(required=True, data_key="from", metadata={"description": "its first day"})
    from_precision = fields.Enum(
        Precision,
        by_value=True,
        required=True,
        metadata={"description": "`month`: bound from some day of that month on (`from` is its first day)"},
    )
    end = fields.Date(
        required=True,
        allow_none=True,
        data_key="to",
        metadata={"description": "its last day; null while it binds them on the last day asked"},
    )
    to_precision = fields.Enum(
        Precision,
        by_value=True,
        required=True,
        allow_none=True,
        metadata={"description": "`month`: bound until some day of that month (`to` is its last day)"},
    )
    days = fields.Integer(required=True, metadata={"description": "how many days it covers, to the last day asked"})
    based_on = fields.List(
        fields.UUID(), required=True, metadata={"description": "the events it rests on: how it began, and ended"}
    )


class DyadsPage(Schema):
    start = fields.Date(required=True, allow_none=True, data_key="from")
    end = fields.Date(required=True, allow_none=True, data_key="to", metadata={"description": "null: today"})
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata={"description": "null: all known now"})
    granularity = fields.String(required=True, metadata={"enum": list(GRANULARITIES)})
    dyads = fields.List(fields.Nested(DyadOut), required=True)
    next_after = fields.String(required=True, allow_none=True)


DYADS = DyadOut(many=True)


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
    _check_window(query["start"], query["end"], until)

    def answer() -> dict[str, Any]:
        found = sorted(
            (
                row
                for stream_id, span in queries.dyads_of(store, known, until, query["perspective"])
                if query["party"] in (None, span.party_a.id, span.party_b.id)
                for row in _rows(stream_id, span, query["start"], until[stream_id], query["granularity"])
                if query["after"] is None or _key(row) > _cursor(query["after"])
            ),
            key=_key,
        )
        page = found[: query["limit"]]
        return {
            "from": query["start"].isoformat() if query["start"] else None,
            "to": query["end"].isoformat() if query["end"] else None,
            "known_at": query["known_at"].isoformat() if query["known_at"] else None,
            "granularity": query["granularity"],
            "dyads": DYADS.dump(row[-1] for row in page),
            "next_after": "~".join(_key(page[-1])) if len(found) > query["limit"] else None,
        }

    def next_page(body: dict[str, Any]) -> str | None:
        if body["next_after"] is None:
            return None
        asked = {name: value for name, value in request.args.items() if name != "after"}
        return url_for(".list_dyads", **asked, after=body["next_after"])  # type: ignore[arg-type]

    versions = {stream_id: k.version for stream_id, k in known.items()}
    horizon = max((k.horizon for k in known.values() if k.horizon is not None), default=None)
    return cached(answer, handles().bodies, knowledge=versions, horizon=horizon, next_page=next_page)


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


def _check_window(start: date | None, end: date | None, until: dict[str, date]) -> None:
    """``from`` not after the last day asked, and at most MAX_DAYS before it."""
    last = end or max(until.values(), default=None)
    if start is None or last is None:
        return
    if start > last:
        raise InvalidQuery(ValidationError({"to": [f"{last} is before 'from' ({start})"]}))
    if (last - start).days > MAX_DAYS:
        raise InvalidQuery(ValidationError({"to": ["at most 300 years after 'from'"]}))


_Row = tuple[str, str, str, str, dict[str, Any]]


def _rows(stream_id: str, span: DyadSpan, start: date | None, until: date, granularity: str) -> list[_Row]:
    """The span as rows -- whole, or its part in each calendar year -- that bind on
    ``start`` or later, each keyed for its page order: pair, agreement, first day."""
    parts = [(None, span)] if granularity == "span" else list(span.years(until))
    return [
        (span.party_a.id, span.party_b.id, stream_id, part.starts_on.isoformat(), _row(stream_id, year, part, until))
        for year, part in parts
        if start is None or (part.ends_on or until) >= start
    ]


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


def _key(row: _Row) -> tuple[str, str, str, str]:
    return row[:4]


def _cursor(after: str) -> tuple[str, str, str, str]:
    party_a, party_b, agreement, first = after.split("~")
    return party_a, party_b, agreement, first


@cache
def cow_code(party_id: str) -> int | None:
    """The Correlates of War state code of the state with this ISO 3166-1 alpha-3 code;
    None for a party that is no state (an organisation's slug) or has none."""
    if len(party_id) != 3 or not party_id.isupper():
        return None
    found = countrycode(party_id, origin="iso3c", destination="cown")
    return int(found) if found is not None else None
