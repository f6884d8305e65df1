"""How the replay's answers are written out: a status on a day -- its phase, how well its
start is known, its term and notice -- and the intervals of a timeline. Steps known to the
day answer exactly as before precision existed: the precision fields are left out."""

from datetime import timedelta
from typing import Any

from marshmallow import Schema, fields, post_dump

from events import SOURCES, Interval, Phase, Precision, TerminationState


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


class PartyOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class ReadingOut(Schema):
    held_by = fields.Nested(PartyOut, required=True)
    reading = fields.String(required=True, metadata={"description": "for `renewal`: `renews` or `does_not_apply`"})
    term = fields.Nested(
        TermOut, required=True, allow_none=True, metadata={"description": "the term under this reading (null: none)"}
    )
    event_id = fields.Function(
        lambda reading: str(reading.record.event_id),
        required=True,
        metadata={"description": "the reading_held event, in `based_on`"},
    )
    sources = fields.Function(lambda reading: SOURCES.dump(reading.record.sources), required=True)


class ContestOut(Schema):
    fact = fields.String(
        required=True, metadata={"description": "`renewal`: the yearly renewal while the notice is suspended"}
    )
    concerns = fields.UUID(required=True, metadata={"description": "the event the fact arose from (the suspension)"})
    readings = fields.List(fields.Nested(ReadingOut), required=True)


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
    term = fields.Nested(
        TermOut,
        required=True,
        allow_none=True,
        metadata={"description": "while a fact is `contested`: the asked perspective's reading's term, or the text's"},
    )
    in_force_for = fields.Integer(
        metadata={"description": "a multilateral agreement in force: how many parties it binds that day"}
    )
    contested = fields.Nested(
        ContestOut,
        metadata={"description": "only while the parties read a fact of the day differently: each reading, its"
                  " term and its sources; `?perspective=` answers as one party reads it"},
    )  # fmt: skip

    @post_dump
    def day_precise_as_before(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A status known to the day, and contested by no one, answers exactly as before
        precision and readings existed."""
        if data.get("since_precision") == Precision.DAY.value:
            del data["since_precision"]
        for absent in ("uncertain", "contested", "in_force_for"):
            if data.get(absent) is None:
                data.pop(absent, None)
        return data


def _day_after(interval: Interval) -> str:
    return (interval.ends_on + timedelta(days=1)).isoformat()


class IntervalOut(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "its last day"})
    ends_before = fields.Function(
        _day_after,
        required=True,
        metadata={
            "type": "string",
            "format": "date",
            "description": "the day after `ends_on`: the interval half-open, [starts_on, ends_before), as charts"
            " draw touching bars",
        },
    )
    phase = fields.Enum(Phase, by_value=True, required=True)
    termination = fields.Enum(TerminationState, by_value=True, required=True, allow_none=True)
    term = fields.Integer(required=True, allow_none=True)
    contested = fields.Boolean(metadata={"description": "present, true, while the parties read a fact differently"})
    changed_by = fields.List(fields.UUID(), required=True)
    derived = fields.Boolean(required=True)

    @post_dump
    def uncontested_as_before(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if not data.get("contested"):
            data.pop("contested", None)
        return data


STATUS = StatusOut()
INTERVALS = IntervalOut(many=True)
