"""Schemas for what the service answers: statuses, intervals, events, agreements."""

from typing import Any

from marshmallow import Schema, fields

from events import Phase, Recorded, Status
from events.payloads import SOURCES, TermsSchema, encode
from events.status import TerminationState
from events.types import type_name


class TerminationOut(Schema):
    state = fields.Enum(TerminationState, by_value=True, required=True)
    notified_on = fields.Date(required=True)
    notified_by = fields.String(required=True)
    effective_on = fields.Date(required=True, metadata={"description": "the first day out of force"})
    suspended_on = fields.Date(required=True, allow_none=True)
    conditional = fields.Boolean(required=True)


class TermOut(Schema):
    number = fields.Integer(required=True)
    started_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "the term's last day"})
    notice_deadline = fields.Date(required=True, allow_none=True)
    renewal_disputed = fields.Boolean(required=True)


class StatusOut(Schema):
    phase = fields.Enum(Phase, by_value=True, required=True)
    since = fields.Date(required=True, allow_none=True)
    termination = fields.Nested(TerminationOut, required=True, allow_none=True)
    term = fields.Nested(TermOut, required=True, allow_none=True)


class IntervalOut(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    phase = fields.Enum(Phase, by_value=True, required=True)
    termination = fields.Enum(TerminationState, by_value=True, required=True, allow_none=True)
    term = fields.Integer(required=True, allow_none=True)
    changed_by = fields.List(fields.UUID(), required=True)
    derived = fields.Boolean(required=True)


STATUS = StatusOut()
INTERVALS = IntervalOut(many=True)
TERMS = TermsSchema()


def status_out(status: Status) -> dict[str, Any]:
    """The status with the provenance of every event it rests on."""
    return {**STATUS.dump(status), "based_on": [provenance(record) for record in status.based_on]}


def provenance(record: Recorded) -> dict[str, Any]:
    """An event as the answer used it -- corrections applied -- with its sources."""
    return {
        "id": str(record.event_id),
        **_content(record),
        "corrected_by": [str(event_id) for event_id in record.corrected_by],
    }


def event_out(record: Recorded) -> dict[str, Any]:
    """An event as stored, with its place in the stream and its metadata."""
    return {
        "id": str(record.event_id),
        "agreement_id": record.stream_id,
        "version": record.version,
        "position": record.position,
        **_content(record),
        "metadata": dict(record.metadata),
    }


def _content(record: Recorded) -> dict[str, Any]:
    """What happened, when, when it was recorded, and on whose word."""
    return {
        "type": type_name(record.event),
        "occurred_on": record.event.occurred_on.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
        "payload": encode(record.event),
        "sources": SOURCES.dump(record.sources),
    }
