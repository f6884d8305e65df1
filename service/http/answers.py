"""What the service answers: the schemas that dump the domain's statuses, recorded events
and agreements into JSON, and the envelopes the views wrap them in, as the OpenAPI document
states them.

Each shape is written once: the schema the document shows is the one that dumps the answer,
and its fields are declared in the order the answer's keys come. The contract test in
tests/service/api/test_openapi.py and schemathesis hold the views' envelopes to theirs.
"""

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields

from events import EVENT_TYPES, DeadlineKind, TermsSchema, encode, type_name
from service.http.statuses import IntervalOut, StatusOut
from service.queries import Summary
from service.storage.results import TOKEN_PATTERN, Knowledge


def echo(agreement_id: str, knowledge: Knowledge, known_at: datetime | None) -> dict[str, Any]:
    """Both time axes of an answer. Without ``known_at`` the answer is the latest knowledge,
    which is the knowledge as of the newest event's recorded_at: that instant is echoed."""
    instant = known_at or knowledge.horizon
    return {"agreement_id": agreement_id, "known_at": instant.isoformat() if instant else None}


_EVENT_TYPES = {"enum": sorted(EVENT_TYPES)}


def _known_at() -> fields.Field:
    return fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "the transaction time answered for: known_at if given, else the newest recorded_at"},
    )


class SourceOut(Schema):
    publisher = fields.String(required=True)
    title = fields.String(required=True, allow_none=True)
    published_on = fields.Date(required=True, allow_none=True)
    url = fields.String(required=True, allow_none=True)


class EventContent(Schema):
    """What happened, when, when it was recorded, and on whose word: of a ``Recorded``."""

    id = fields.UUID(required=True, attribute="event_id")
    type = fields.Function(
        lambda record: type_name(record.event), required=True, metadata={"type": "string", **_EVENT_TYPES}
    )
    occurred_on = fields.Date(required=True, attribute="event.occurred_on")
    recorded_at = fields.AwareDateTime(required=True)
    payload = fields.Function(lambda record: encode(record.event), required=True, metadata={"type": "object"})
    sources = fields.List(fields.Nested(SourceOut), required=True)


class ProvenanceOut(EventContent):
    """An event as an answer used it, corrections applied."""

    corrected_by = fields.List(fields.UUID(), required=True)


class EventOut(EventContent):
    """An event as stored, with its place in its stream and its metadata."""

    agreement_id = fields.String(required=True, attribute="stream_id")
    version = fields.Integer(required=True)
    position = fields.Integer(required=True)
    metadata = fields.Dict(required=True)

    class Meta:
        fields = ("id", "agreement_id", "version", "position", *EventContent._declared_fields, "metadata")


class StatusWithProvenance(StatusOut):
    """A ``Status`` with every event it rests on."""

    based_on = fields.List(fields.Nested(ProvenanceOut), required=True)


class StatusOnDay(StatusWithProvenance):
    """An agreement's status on its day, read from its ``Summary``."""

    on = fields.Date(required=True)

    class Meta:
        fields = ("on", *StatusWithProvenance._declared_fields)

    def get_attribute(self, obj: Summary, attr: str, default: Any) -> Any:
        return obj.on if attr == "on" else super().get_attribute(obj.status, attr, default)


class StatusAnswer(StatusOnDay):
    perspective = fields.String(metadata={"description": "the party the answer was asked as (`?perspective=`)"})
    agreement_id = fields.String(required=True)
    known_at = _known_at()

    class Meta:
        fields = ("agreement_id", "known_at", "perspective", *StatusOnDay.Meta.fields)


class TermsOut(Schema):
    initial_term_months = fields.Integer(required=True, allow_none=True)
    renewal_term_months = fields.Integer(required=True, allow_none=True)
    notice_days = fields.Integer(required=True, allow_none=True)
    # Clauses learnt later are present only when given: earlier agreements read as they did.
    notice_months = fields.Integer(metadata={"description": "present when the notice period is in months"})
    earliest_notice_months = fields.Integer(metadata={"description": "present when notices wait on entry into force"})
    withdrawal_effect_months = fields.Integer(metadata={"description": "present when a withdrawal waits this long"})
    minimum_parties = fields.Integer(metadata={"description": "present when the agreement ends below this many"})
    provisional_application = fields.Boolean(metadata={"description": "present when it may be applied provisionally"})


class AgreementOut(Schema):
    """An agreement (a ``Summary``): its registration, its version and its status on its day."""

    id = fields.String(required=True, attribute="agreement_id")
    title = fields.String(required=True)
    parties = fields.List(
        fields.String(),
        required=True,
        metadata={
            "deprecated": True,
            "description": "the parties' names; party_ids holds their ids, in the same order",
        },
    )
    party_ids = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "ISO 3166-1 alpha-3 codes for states, lower-case slugs for others"},
    )
    terms = fields.Nested(
        TermsOut, required=True, allow_none=True, metadata={"description": "null: its duration clause is not recorded"}
    )
    legally_binding = fields.Boolean(required=True)
    timezone = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.Nested(
        StatusOnDay,
        required=True,
        metadata={"description": "the status on the day asked; default today, where it lives"},
    )

    def get_attribute(self, obj: Summary, attr: str, default: Any) -> Any:
        """The summary's own fields, its registration's, and the summary itself as its status."""
        registration = obj.registration
        match attr:
            case "title" | "legally_binding" | "timezone":
                return getattr(registration, attr)
            case "parties":
                return [party.name for party in registration.parties]
            case "party_ids":
                return [party.id for party in registration.parties]
            case "terms":  # as stored: the clauses learnt later only when given
                return TERMS.dump(registration.terms) if registration.terms_recorded else None
            case "status":
                return obj
        return super().get_attribute(obj, attr, default)


# Names a write: a read that sends it back (header Consistency-Token, or ?consistent_with=) sees it.
_TOKEN = {"pattern": f"^{TOKEN_PATTERN}$", "description": "this write's Consistency-Token (also in that header)"}


class RegisteredAnswer(AgreementOut):
    replayed = fields.Boolean(required=True)
    consistency_token = fields.String(required=True, metadata=_TOKEN)


class AgreementsPage(Schema):
    agreements = fields.List(fields.Nested(AgreementOut), required=True)
    next_after = fields.String(required=True, allow_none=True)


class TimelineAnswer(Schema):
    perspective = fields.String(metadata={"description": "the party the answer was asked as (`?perspective=`)"})
    agreement_id = fields.String(required=True)
    known_at = _known_at()
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    intervals = fields.List(fields.Nested(IntervalOut), required=True)


class EventsPage(Schema):
    agreement_id = fields.String(required=True)
    known_at = _known_at()
    events = fields.List(fields.Nested(EventOut), required=True)
    next_after_version = fields.Integer(required=True, allow_none=True)


class EventReference(Schema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, metadata=_EVENT_TYPES)
    version = fields.Integer(required=True)


class Change(Schema):
    recorded_at = fields.AwareDateTime(required=True)
    old = fields.Nested(StatusOut, required=True)
    new = fields.Nested(StatusOut, required=True)
    events = fields.List(fields.Nested(EventReference), required=True)


class HistoryAnswer(Schema):
    agreement_id = fields.String(required=True)
    on = fields.Date(required=True)
    changes = fields.List(fields.Nested(Change), required=True)


class AppendAnswer(Schema):
    """What an append stored (an ``AppendResult``), as the answer to it says."""

    agreement_id = fields.String(required=True, attribute="stream_id")
    version = fields.Integer(required=True)
    first_version = fields.Integer(required=True)
    event_ids = fields.List(fields.UUID(), required=True)
    recorded_at = fields.AwareDateTime(required=True)
    replayed = fields.Boolean(required=True, attribute="retried")
    consistency_token = fields.String(required=True, attribute="token", metadata=_TOKEN)


class FeedEntry(EventOut):
    cursor = fields.String(required=True, metadata={"description": "resume after this event with ?after="})

    class Meta:
        fields = ("cursor", *EventOut.Meta.fields)


class FeedPage(Schema):
    events = fields.List(fields.Nested(FeedEntry), required=True)
    next_after = fields.String(required=True)


class DeadlineOut(Schema):
    """A deadline of one agreement; ``held_by`` only when some parties' readings have it."""

    on = fields.Date(required=True)
    agreement_id = fields.String(required=True)
    kind = fields.Enum(DeadlineKind, by_value=True, required=True)
    term = fields.Integer(required=True, allow_none=True)
    held_by = fields.List(
        fields.String(),
        metadata={"description": "present when only some parties' readings of a contested fact have it: theirs"},
    )


class DeadlinesPage(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    deadlines = fields.List(fields.Nested(DeadlineOut), required=True)
    next_after = fields.String(required=True, allow_none=True)


class StreamEvent(Schema):
    """One Server-Sent Event of the live stream."""

    id = fields.String(metadata={"description": "the event's feed cursor; reconnect with it as Last-Event-ID"})
    event = fields.String(metadata={"description": "`event`"})
    data = fields.String(metadata={"description": "the feed entry as JSON, as GET /events lists it"})


class ErrorEntry(Schema):
    pointer = fields.String(metadata={"description": "a JSON Pointer into the request body"})
    parameter = fields.String(metadata={"description": "the query parameter"})
    detail = fields.String(required=True)


class Problem(Schema):
    """RFC 9457; docs/problems.md lists every type."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ErrorEntry))
    expected_version = fields.Integer()
    current_version = fields.Integer()
    event_id = fields.UUID()


TERMS = TermsSchema()
STATUS_WITH_PROVENANCE = StatusWithProvenance()
AGREEMENT = AgreementOut()
AGREEMENTS = AgreementOut(many=True)
EVENT = EventOut()
EVENTS = EventOut(many=True)
PROVENANCE = ProvenanceOut(many=True)
DEADLINES = DeadlineOut(many=True)
APPENDED = AppendAnswer()
