"""The effective view of a stream: what its events say once corrections and retractions apply.

Corrections act in transaction time. They are applied in the order they were recorded
(stream version), each to the event it names; a correction of a correction is one more
correction of the same original, whose fields win over the earlier one's. A retraction
removes an event -- or undoes a correction -- for every replay that knows about it.
Originals are never touched: the view is rebuilt from the records on every replay, so a
replay "as known at" an earlier instant simply does not see the later corrections.

A registration may be corrected only in what describes it -- its summary, note, actors,
place and sources -- and never retracted: its day, title, parties, terms and time zone are
what every question across agreements reads from memory (service/storage/registrations.py),
and what every rule computes with, so they stay as first recorded.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from uuid import UUID

from marshmallow import ValidationError

from events.codec.payloads import decode, encode
from events.record.envelope import Recorded
from events.record.types import AgreementRegistered, EventCorrected, EventRetracted, type_name
from events.rules.errors import RuleViolation


@dataclass
class _Lineage:
    """An original event and the corrections aimed at it, in recorded order."""

    original: Recorded
    corrections: list[Recorded] = field(default_factory=list)


def effective(records: Iterable[Recorded]) -> list[Recorded]:
    """The stream's developments as currently corrected, corrections themselves consumed.

    Raises RuleViolation for a correction or retraction that names no earlier event of the
    stream, a retracted one, or another retraction; for a retraction of the registration,
    and for a correction of it beyond what describes it.
    """
    lineages: dict[UUID, _Lineage] = {}
    root_of: dict[UUID, UUID] = {}  # every event id and correction id -> its original's id
    retracted: set[UUID] = set()
    for record in sorted(records, key=lambda r: r.version):
        event = record.event
        if isinstance(event, EventCorrected):
            target = _target(record, event.corrects, root_of, lineages, retracted, "correct")
            root_of[record.event_id] = root_of[target]
            lineages[root_of[target]].corrections.append(record)
        elif isinstance(event, EventRetracted):
            target = _target(record, event.retracts, root_of, lineages, retracted, "retract")
            retracted.add(target)
        else:
            root_of[record.event_id] = record.event_id
            lineages[record.event_id] = _Lineage(original=record)
    return [_corrected(lineage, retracted) for root, lineage in lineages.items() if root not in retracted]


def _target(
    record: Recorded,
    target: UUID,
    root_of: dict[UUID, UUID],
    lineages: dict[UUID, _Lineage],
    retracted: set[UUID],
    verb: str,
) -> UUID:
    """The id ``record`` may act on, or RuleViolation saying why not."""
    if target not in root_of:
        raise RuleViolation(
            record, f"there is no earlier development or correction {target} in this agreement to {verb}"
        )
    if target in retracted or root_of[target] in retracted:
        raise RuleViolation(record, f"event {target} was retracted; there is nothing left to {verb}")
    if isinstance(lineages[root_of[target]].original.event, AgreementRegistered):
        _require_description_only(record)
    return target


# What a correction of the registration may change.
REGISTRATION_DESCRIPTION = ("summary", "note", "actors", "place")


def _require_description_only(record: Recorded) -> None:
    """A registration is retracted never, and corrected only in what describes it."""
    change = record.event
    if not isinstance(change, EventCorrected):
        raise RuleViolation(record, "the registration cannot be retracted")
    changed = sorted(set(change.corrected_payload or {}) - set(REGISTRATION_DESCRIPTION))
    if change.corrected_occurred_on is not None:
        changed.insert(0, "occurred_on")
    if changed:
        allowed = ", ".join(REGISTRATION_DESCRIPTION)
        raise RuleViolation(
            record,
            f"the registration cannot be corrected in {', '.join(changed)}: only in its {allowed} and sources",
        )


def _corrected(lineage: _Lineage, retracted: set[UUID]) -> Recorded:
    """The original with each of its live corrections applied in turn."""
    current = lineage.original
    applied: list[UUID] = []
    for correction in lineage.corrections:
        if correction.event_id in retracted:
            continue
        current = _apply(current, correction)
        applied.append(correction.event_id)
    return replace(current, corrected_by=tuple(applied)) if applied else current


def _apply(current: Recorded, correction: Recorded) -> Recorded:
    change = correction.event
    assert isinstance(change, EventCorrected)
    day = change.corrected_occurred_on or current.event.occurred_on
    payload = {**encode(current.event), **(change.corrected_payload or {})}
    try:
        event = decode(type_name(current.event), day, payload)
    except ValidationError as error:
        raise RuleViolation(correction, f"the corrected payload is invalid: {error.messages}") from None
    sources = change.corrected_sources if change.corrected_sources is not None else current.sources
    return replace(current, event=event, sources=sources)


def target_of(record_or_event: object) -> UUID | None:
    """The event a correction or retraction names, or None for any other event."""
    if isinstance(record_or_event, EventCorrected):
        return record_or_event.corrects
    if isinstance(record_or_event, EventRetracted):
        return record_or_event.retracts
    return None
