"""Questions across agreements: which agreements bound some parties on a day
(GET /relations), the parties known (GET /parties), and one party's agreements on a day
(GET /parties/<id>/agreements).

Each starts from the registrations kept in memory, asks the database one question -- how
far each agreement concerned is known -- and replays from memory; so an answer costs the
same with ten agreements or ten thousand. An agreement binds a party while it is in force
for it (events/replay/party_status.py): all its parties, unless they took steps of their own.
"""

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response
from marshmallow import Schema, ValidationError, fields, post_load, validate

from events import PARTY_ID_PATTERN, Day, Matching, PartyPhase, Phase, TerminationState, party_statuses
from service import queries
from service.http import representations, requests
from service.http.answers import AGREEMENTS, AgreementOut, ProvenanceOut, echo
from service.http.caching import cached, taken_now, today_by_default
from service.http.handles import handles, known_as_asked
from service.http.inbound import consistent_with, description, known_at
from service.http.promises import DATABASE_PROBLEMS, NOT_MODIFIED, PERMALINKED, Answer, promises
from service.http.requests import CONSISTENCY_TOKEN
from service.http.statuses import PartyOut
from service.storage.results import Knowledge

# At most this many parties in one question across agreements.
MAX_PARTIES_ASKED = 10
PARTY_IDS_PATTERN = f"({PARTY_ID_PATTERN})(,({PARTY_ID_PATTERN})){{1,{MAX_PARTIES_ASKED - 1}}}"


class RelationsQuery(Schema):
    """Which agreements bound these parties on a day."""

    between = Matching(
        PARTY_IDS_PATTERN,
        f"2 to {MAX_PARTIES_ASKED} party ids, comma-separated, like KOR,JPN",
        required=True,
        metadata=description(
            f"2 to {MAX_PARTIES_ASKED} distinct party ids, comma-separated (GET /parties lists them), like KOR,JPN"
        ),
    )
    on = Day(load_default=None, metadata=description("the day; default: today, where each agreement lives"))
    known_at = known_at()

    @post_load
    def parties(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        party_ids = data["between"].split(",")
        if len(set(party_ids)) != len(party_ids):
            raise ValidationError("names a party twice", "between")
        return {**data, "between": party_ids}


class PartyAgreementsQuery(Schema):
    on = Day(load_default=None, metadata=description("the day; default: today, where each agreement lives"))
    phase = fields.String(
        load_default=None,
        validate=validate.OneOf([phase.value for phase in Phase]),
        metadata=description("only agreements in this phase that day"),
    )
    known_at = known_at()


bp = Blueprint("relations", __name__)

_ON = "null: today, where each agreement lives"


class RelationsAnswer(Schema):
    between = fields.List(fields.String(), required=True)
    on = fields.Date(required=True, allow_none=True, metadata={"description": _ON})
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata={"description": "null: all known now"})
    agreements = fields.List(
        fields.Nested(AgreementOut),
        required=True,
        metadata={"description": "every agreement in force that day to which all of them are parties"},
    )
    uncertain = fields.List(
        fields.Nested(AgreementOut),
        required=True,
        metadata={"description": "those whose phase that day is uncertain (a step known only to its month or year)"},
    )


class KnownPartyOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "the name most of its agreements give it"})
    agreements = fields.Integer(
        required=True,
        metadata={"description": "how many agreements it is a party to (as known at `known_at`, where one is asked)"},
    )


class PartiesAnswer(Schema):
    parties = fields.List(fields.Nested(KnownPartyOut), required=True)


class PartyAgreementsAnswer(Schema):
    party = fields.Nested(KnownPartyOut, required=True)
    on = fields.Date(required=True, allow_none=True, metadata={"description": _ON})
    known_at = fields.AwareDateTime(required=True, allow_none=True, metadata={"description": "null: all known now"})
    agreements = fields.List(fields.Nested(AgreementOut), required=True)


@bp.get("/relations")
@promises(
    summary="The agreements that bound some parties on a day",
    tag="parties",
    query=RelationsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "each agreement with its status that day; as CSV, the uncertain ones after the others",
            RelationsAnswer,
            headers=PERMALINKED,
            rows=("agreements", "uncertain"),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def relations() -> Response:
    """Every agreement all the parties in ``between`` are parties to and which bound each of
    them on ``on`` (in force for it), as known at ``known_at``; those whose phase that day is
    uncertain apart."""
    query = requests.question()
    on, known_at = query["on"], query["known_at"]
    known = queries.relations(handles().store, query["between"], known_at)
    days = _days(known, on)

    def answer() -> dict[str, Any]:
        store = handles().store
        found = queries.on_day(store, known, days)
        return {
            **_echo(on, known_at),
            "between": query["between"],
            "agreements": AGREEMENTS.dump(
                [a for a in found if a.status.phase is Phase.IN_FORCE and queries.binds(store, a, query["between"])]
            ),
            "uncertain": AGREEMENTS.dump([a for a in found if a.status.phase is Phase.UNCERTAIN]),
        }

    return cached(answer, handles().bodies, knowledge=queries.versions(known), horizon=queries.horizon(known))


@bp.get("/parties")
@promises(
    summary="The parties known",
    tag="parties",
    answers=(Answer(200, "every party of any agreement, by id", PartiesAnswer, rows=("parties",)),),
    problems=DATABASE_PROBLEMS,
)
def list_parties() -> Response:
    """Every party any agreement names, with the name most of its agreements give it."""
    return representations.respond({"parties": [_party(known) for known in queries.parties(handles().store)]})


@bp.get("/parties/<party:party_id>/agreements")
@promises(
    summary="A party's agreements on a day",
    tag="parties",
    query=PartyAgreementsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(
            200,
            "each of its agreements with its status that day",
            PartyAgreementsAnswer,
            headers=PERMALINKED,
            rows=("agreements",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "party-not-found", *DATABASE_PROBLEMS),
)
def party_agreements(party_id: str) -> Response:
    """Every agreement the party is a party to, as known at ``known_at``, with its status on
    ``on``; with ``phase``, only those in that phase that day."""
    query = requests.question()
    on, known_at, phase = query["on"], query["known_at"], query["phase"]
    store = handles().store
    now = queries.known_party(store, party_id)
    known = queries.agreements_of(store, party_id, known_at)
    days = _days(known, on)
    # As its agreements known then name it; when none was known yet, by today's name.
    party = _party(queries.party_in(store, party_id, known) or queries.KnownParty(now.party, 0))
    if not known:
        taken_now("party", party)

    def answer() -> dict[str, Any]:
        found = queries.on_day(store, known, days)
        kept = [a for a in found if phase is None or a.status.phase.value == phase]
        return {**_echo(on, known_at), "party": party, "agreements": AGREEMENTS.dump(kept)}

    return cached(answer, handles().bodies, knowledge=queries.versions(known), horizon=queries.horizon(known))


class PartyNoticeOut(Schema):
    state = fields.Enum(TerminationState, by_value=True, required=True)
    notified_on = fields.Date(required=True)
    effective_on = fields.Date(required=True, metadata={"description": "the first day out of force for the party"})
    suspended_on = fields.Date(required=True, allow_none=True)


class PartyStatusOut(Schema):
    party = fields.Nested(PartyOut, required=True)
    status = fields.Enum(PartyPhase, by_value=True, required=True)
    since = fields.Date(required=True, allow_none=True)
    notice = fields.Nested(
        PartyNoticeOut, required=True, allow_none=True, metadata={"description": "its own notice, pending or suspended"}
    )
    based_on = fields.List(fields.Nested(ProvenanceOut), required=True)


PARTY_STATUSES = PartyStatusOut(many=True)


class PartiesOfAgreement(Schema):
    agreement_id = fields.String(required=True)
    known_at = fields.AwareDateTime(required=True, allow_none=True)
    on = fields.Date(required=True)
    parties = fields.List(fields.Nested(PartyStatusOut), required=True)


class PartiesQuery(Schema):
    on = Day(load_default=None, metadata=description("the day; default: today, where the agreement lives"))
    known_at = known_at()
    consistent_with = consistent_with()


@bp.get("/agreements/<agreement:agreement_id>/parties")
@promises(
    summary="Each party's own status on a day",
    tag="parties",
    query=PartiesQuery,
    request_headers=("If-None-Match", CONSISTENCY_TOKEN),
    answers=(
        Answer(
            200,
            "each party, in the registration's order, with its status",
            PartiesOfAgreement,
            headers=PERMALINKED,
            rows=("parties",),
        ),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", "agreement-not-found", *DATABASE_PROBLEMS),
)
def agreement_parties(agreement_id: str) -> Response:
    """Each party's status on ``on`` (default today where the agreement lives), as known at
    ``known_at``: not (or no longer) a party, signed, consented, provisionally applying, in
    force, withdrawal pending or withdrawn; since when, its own notice, and the events it rests on."""
    query, known = requests.question(), known_as_asked(agreement_id)
    on = query["on"] or today_by_default("on", known.knowledge.timezone)

    def answer() -> dict[str, Any]:
        return {
            **echo(agreement_id, known.knowledge, query["known_at"]),
            "on": on.isoformat(),
            "parties": PARTY_STATUSES.dump(party_statuses(known.replayer(), on)),
        }

    return cached(answer, handles().bodies, knowledge=known.version, horizon=known.knowledge.horizon)


def _party(known: queries.KnownParty) -> dict[str, Any]:
    return {"id": known.party.id, "name": known.party.name, "agreements": known.agreements}


def _echo(on: date | None, known_at: datetime | None) -> dict[str, Any]:
    return {"on": on.isoformat() if on else None, "known_at": known_at.isoformat() if known_at else None}


def _days(known: dict[str, Knowledge], on: date | None) -> dict[str, date]:
    """The day asked of each agreement: ``on``, or today where the agreement lives."""
    return {stream_id: on or today_by_default("on", k.timezone) for stream_id, k in known.items()}
