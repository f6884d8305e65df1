"""Marshmallow schemas for each event type's payload, for sources, and for how a payload
names a party (``PartyField``).

A payload is everything about an event except its day, which is stored in its own column
(``occurred_on``). ``decode`` and ``encode`` are the only ways between stored JSON and the
domain dataclasses, so the API and the store agree on one format.
"""

from typing import Any
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, post_dump, post_load, validate, validates_schema

from events.codec.fields import STORABLE_TEXT_PATTERNS, Count, Day, Flag, Matching, web_address
from events.record.parties import DERIVABLE_NAME_PATTERN, PARTY_ID_PATTERN, Party, UnnamedParty, party_named
from events.record.precision import Precision
from events.record.sources import Source
from events.record.terms import Terms
from events.record.types import CONSENTS, EVENT_TYPES, READINGS, Event, type_name

# How a payload names a party: {"id": "KOR", "name": "Republic of Korea"}, or a bare name as
# registrations did before parties had ids -- and how the OpenAPI document states it.
_NAME = validate.Length(min=1, max=200)


def _name_schema(*patterns: str) -> dict[str, Any]:
    """A party's name as the OpenAPI document states it: storable text matching ``patterns``."""
    anchored = [{"pattern": f"^{pattern}$"} for pattern in (*patterns, *STORABLE_TEXT_PATTERNS)]
    return {"type": "string", "minLength": 1, "maxLength": 200, "allOf": anchored}


class _PartySchema(Schema):
    id = Matching(PARTY_ID_PATTERN, "not a party id", required=True)
    name = fields.String(required=True, validate=_NAME)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Party:
        return Party(**data)


PARTY = _PartySchema()


class PartyField(fields.Field):
    """A party as ``{"id": "KOR", "name": "Republic of Korea"}``, or -- as registrations
    named parties before they had ids -- as a bare name, whose id events/record/parties.py derives."""

    def __init__(self, **kwargs: Any) -> None:
        described = {
            "oneOf": [
                {"type": "object", "required": ["id", "name"], "additionalProperties": False, "properties": {
                    "id": {"type": "string", "pattern": f"^({PARTY_ID_PATTERN})$"},
                    "name": _name_schema(),
                }},
                {**_name_schema(DERIVABLE_NAME_PATTERN), "deprecated": True},
            ],
            "description": "a party: its id (an ISO 3166-1 alpha-3 code for a state, a short lower-case id"
            " for an organisation) and its name; a bare name is the form from before parties had ids",
        }  # fmt: skip
        super().__init__(metadata=described, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Party:
        if isinstance(value, str):
            _NAME(value)
            try:
                return party_named(value)
            except UnnamedParty as error:
                raise ValidationError(str(error)) from None
        if not isinstance(value, dict):
            raise ValidationError("a party is an object with its id and name, or a name")
        party: Party = PARTY.load(value)
        return party

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> dict[str, str]:
        return {"id": value.id, "name": value.name}


_TEXT = validate.Length(min=1, max=2000)
# IANA names only: "localtime" and its kin name whatever the machine is set to.
TIMEZONES = frozenset(available_timezones()) - {"localtime", "posixrules", "Factory"}


# Clauses the terms learnt after registrations were first stored: left out when unset.
LATER_CLAUSES = frozenset(
    {
        "notice_months",
        "earliest_notice_months",
        "withdrawal_effect_months",
        "minimum_parties",
        "provisional_application",
    }
)


class TermsSchema(Schema):
    initial_term_months = Count(load_default=None, minimum=1, maximum=1200)
    renewal_term_months = Count(load_default=None, minimum=1, maximum=1200)
    notice_days = Count(load_default=None, minimum=0, maximum=36500)
    notice_months = Count(load_default=None, minimum=1, maximum=1200)
    earliest_notice_months = Count(load_default=None, minimum=1, maximum=1200)
    withdrawal_effect_months = Count(load_default=None, minimum=1, maximum=1200)
    minimum_parties = Count(load_default=None, minimum=2, maximum=200)
    provisional_application = Flag(load_default=None)

    @validates_schema
    def renewal_needs_a_first_term(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("renewal_term_months") and not data.get("initial_term_months"):
            raise ValidationError("a renewal period needs an initial term", "renewal_term_months")

    @validates_schema
    def one_notice_period(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("notice_days") is not None and data.get("notice_months") is not None:
            raise ValidationError("give the notice period in days or in months, not both", "notice_months")
        if data.get("earliest_notice_months") and data.get("notice_days") is None and not data.get("notice_months"):
            raise ValidationError("an earliest notice day needs a notice period", "earliest_notice_months")

    @post_dump
    def stored_as_before(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Terms without the later clauses are stored exactly as they were before those
        existed, so a registration sent again still matches the one stored."""
        return {key: value for key, value in data.items() if value is not None or key not in LATER_CLAUSES}

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Terms:
        return Terms(**data)


class SourceSchema(Schema):
    publisher = fields.String(required=True, validate=_NAME)
    title = fields.String(load_default=None, validate=validate.Length(min=1, max=500))
    published_on = Day(load_default=None)
    url = web_address(load_default=None)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Source:
        return Source(**data)


class PayloadSchema(Schema):
    """Fields every event may carry; lists become tuples so events stay immutable."""

    summary = fields.String(load_default="", validate=validate.Length(max=2000))
    actors = fields.List(fields.String(validate=_NAME), load_default=list, validate=validate.Length(max=50))
    place = fields.String(load_default=None, validate=_NAME)
    note = fields.String(load_default=None, validate=_TEXT)
    date_precision = fields.Enum(
        Precision,
        by_value=True,
        load_default=Precision.DAY,
        metadata={
            "description": "how well occurred_on is known; an event known only to its month or year is dated"
            " that month's or year's first day (left out when known to the day)"
        },
    )

    @post_load
    def freeze(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}

    @post_dump
    def stored_as_before(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A day-precise event is stored exactly as before precision existed."""
        if data.get("date_precision") == Precision.DAY.value:
            del data["date_precision"]
        return data


class AgreementRegisteredSchema(PayloadSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    parties = fields.List(
        PartyField(),
        required=True,
        validate=validate.Length(min=2, max=200),
        metadata={
            "uniqueItems": True,
            "description": "distinct in their ids and in their names (bare names that differ only in case"
            " yield one id), and no party's name is another party's id: later events name a party by either",
        },
    )
    terms = fields.Nested(
        TermsSchema,
        load_default=Terms,
        allow_none=True,
        metadata={"description": "null when the chronology does not know the agreement's duration clause"},
    )
    legally_binding = Flag(load_default=True)
    timezone = fields.String(
        load_default="UTC",
        validate=validate.OneOf(sorted(TIMEZONES), error="not an IANA time zone name"),
        metadata={"description": "an IANA time zone name, like Asia/Seoul"},
    )

    @validates_schema
    def parties_are_distinct(self, data: dict[str, Any], **_: Any) -> None:
        """Events name a party by its id or its name, so each must name one party only."""
        parties: list[Party] = data.get("parties", [])
        ids, names = [party.id for party in parties], [party.name for party in parties]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise ValidationError("parties must be distinct, in their ids and their names", "parties")
        if any(party.name in ids and party.name != party.id for party in parties):
            raise ValidationError("a party's name must not be another party's id", "parties")

    @post_load
    def terms_known(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("terms", Terms()) is None:
            return {**data, "terms": Terms(), "terms_recorded": False}
        return data

    @post_dump(pass_original=True)
    def terms_unknown(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        if not original.terms_recorded:
            data["terms"] = None
        return data


class TalksRoundHeldSchema(PayloadSchema):
    round = Count(load_default=None, minimum=1)


class DomesticallyApprovedSchema(PayloadSchema):
    party = fields.String(required=True, validate=_NAME)


class PartyStepSchema(PayloadSchema):
    party = fields.String(required=True, validate=_NAME, metadata={"description": "the party, by id or name"})


class ConsentExpressedSchema(PartyStepSchema):
    means = fields.String(required=True, validate=validate.OneOf(CONSENTS))


class EnteredIntoForceSchema(PayloadSchema):
    signature_unrecorded = Flag(
        load_default=False,
        metadata={"description": "signed on a day the chronology does not know (left out when false)"},
    )

    @post_dump
    def signature_on_record(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("signature_unrecorded") is False:
            del data["signature_unrecorded"]
        return data


class TerminationNotifiedSchema(PayloadSchema):
    notified_by = fields.String(required=True, validate=_NAME)


class TerminationNoticeSuspendedSchema(PayloadSchema):
    suspended_by = fields.String(required=True, validate=_NAME)
    conditional = Flag(load_default=False)
    condition = fields.String(load_default=None, validate=_TEXT)


class TerminationNoticeReactivatedSchema(PayloadSchema):
    reactivated_by = fields.String(required=True, validate=_NAME)
    effective_on = Day(required=True)


class TerminationNoticeWithdrawnSchema(PayloadSchema):
    withdrawn_by = fields.String(required=True, validate=_NAME)


class ReadingHeldSchema(PayloadSchema):
    held_by = fields.String(required=True, validate=_NAME, metadata={"description": "the party, by id or name"})
    fact = fields.String(required=True, validate=validate.OneOf(sorted(READINGS)))
    reading = fields.String(
        required=True,
        metadata={
            "description": "how the party reads the fact: for `renewal`, `renews` (the yearly renewal runs while"
            " the notice is suspended) or `does_not_apply`"
        },
    )
    concerns = fields.UUID(required=True, metadata={"description": "the event the fact arose from: the suspension"})

    @validates_schema
    def a_reading_of_the_fact(self, data: dict[str, Any], **_: Any) -> None:
        allowed = READINGS.get(data.get("fact", ""))
        if allowed is not None and data.get("reading") not in allowed:
            raise ValidationError(f"must be one of: {', '.join(allowed)}", "reading")


class EventCorrectedSchema(PayloadSchema):
    corrects = fields.UUID(required=True)
    reason = fields.String(required=True, validate=_TEXT)
    corrected_occurred_on = Day(load_default=None)
    corrected_payload = fields.Dict(keys=fields.String(), load_default=None)
    corrected_sources = fields.List(fields.Nested(SourceSchema), load_default=None, validate=validate.Length(min=1))

    @validates_schema
    def corrects_something(self, data: dict[str, Any], **_: Any) -> None:
        fields_ = ("corrected_occurred_on", "corrected_payload", "corrected_sources")
        if all(data.get(name) is None for name in fields_):
            raise ValidationError(f"give at least one of {', '.join(fields_)}")


class EventRetractedSchema(PayloadSchema):
    retracts = fields.UUID(required=True)
    reason = fields.String(required=True, validate=_TEXT)


_SPECIFIC_SCHEMAS: dict[str, type[PayloadSchema]] = {
    "agreement_registered": AgreementRegisteredSchema,
    "talks_round_held": TalksRoundHeldSchema,
    "domestically_approved": DomesticallyApprovedSchema,
    "entered_into_force": EnteredIntoForceSchema,
    "party_signed": PartyStepSchema,
    "consent_expressed": ConsentExpressedSchema,
    "entered_into_force_for": PartyStepSchema,
    "provisional_application_began": PartyStepSchema,
    "withdrawal_took_effect": PartyStepSchema,
    "termination_notified": TerminationNotifiedSchema,
    "termination_notice_suspended": TerminationNoticeSuspendedSchema,
    "termination_notice_reactivated": TerminationNoticeReactivatedSchema,
    "termination_notice_withdrawn": TerminationNoticeWithdrawnSchema,
    "reading_held": ReadingHeldSchema,
    "event_corrected": EventCorrectedSchema,
    "event_retracted": EventRetractedSchema,
}

PAYLOAD_SCHEMAS: dict[str, PayloadSchema] = {name: _SPECIFIC_SCHEMAS.get(name, PayloadSchema)() for name in EVENT_TYPES}

SOURCES = SourceSchema(many=True)


def decode(event_type: str, occurred_on: Any, payload: dict[str, Any]) -> Event:
    """Build the domain event; raises ValidationError (with field messages) on a bad payload."""
    return event_of(event_type, occurred_on, PAYLOAD_SCHEMAS[event_type].load(payload))


def event_of(event_type: str, occurred_on: Any, loaded: dict[str, Any]) -> Event:
    """The domain event of a payload that its type's schema has loaded."""
    return EVENT_TYPES[event_type](occurred_on=occurred_on, **loaded)


def encode(event: Event) -> dict[str, Any]:
    """The stored JSON payload of ``event`` (its day excluded)."""
    return PAYLOAD_SCHEMAS[type_name(event)].dump(event)
