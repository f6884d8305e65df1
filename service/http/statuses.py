"""How the replay's answers are written out: a status on a day -- its phase, how well its
start is known, its term and notice -- and the intervals of a timeline. Steps known to the
day answer exactly as before precision existed: the precision fields are left out."""

from typing import Any

from marshmallow import Schema, fields, post_dump

from events import Phase
from events.precision import Precision
from events.status import TerminationState


class TerminationOut(Schema):
    state = fields.Enum(TerminationState, by_value=True, required=True)
    notified_on = fields.Date(required=True)
    notified_by = fields.String(required=True, metadata={"description": "the notifying party's name"})
    effective_on = fields.Date(required=True, metadata={"description": "the first day out of force"})
    suspended_on = fields.Date(required=True, allow_none=True)
    conditional = fields.Boolean(required=True)


class TermOut(Schema):
    number = fields.Integer(required=True)
    started_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "the term's last day"})
    notice_deadline = fields.Date(required=True, allow_none=True)
    renewal_disputed = fields.Boolean(required=True)


class UncertaintyOut(Schema):
    earliest = fields.Date(required=True, metadata={"description": "the first day the step may have happened on"})
    latest = fields.Date(required=True, metadata={"description": "the last day it may have happened on"})
    precision = fields.Enum(Precision, by_value=True, required=True)
    phase_before = fields.Enum(Phase, by_value=True, required=True)
    phase_after = fields.Enum(Phase, by_value=True, required=True)


class StatusOut(Schema):
    phase = fields.Enum(Phase, by_value=True, required=True)
    since = fields.Date(required=True, allow_none=True)
    since_precision = fields.Enum(
        Precision,
        by_value=True,
        metadata={"description": "how well `since` is known (left out when known to the day): a step known only"
                  " to its month is dated its first day"},
    )  # fmt: skip
    uncertain = fields.Nested(
        UncertaintyOut,
        metadata={"description": "only when `phase` is `uncertain`: the step whose day is not known, and the"
                  " phases it lies between"},
    )  # fmt: skip
    termination = fields.Nested(TerminationOut, required=True, allow_none=True)
    term = fields.Nested(TermOut, required=True, allow_none=True)

    @post_dump
    def day_precise_as_before(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A status known to the day answers exactly as before precision existed."""
        if data.get("since_precision") == Precision.DAY.value:
            del data["since_precision"]
        if data.get("uncertain") is None:
            data.pop("uncertain", None)
        return data


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
