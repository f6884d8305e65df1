"""The dates a party must watch: the last day to give notice before a term renews, the
last day of each term, and the day a pending notice takes effect.

They follow from the replay, not from anything stored: each interval of the timeline is
asked for its term's end and notice deadline and for a pending notice's effect, as the
status on the interval's first day states them -- an agreement without fixed terms has
only the last of these.

Where the parties read a fact differently (the renewal while a notice is suspended), a
deadline follows the reading asked for; from no perspective, every reading's deadlines are
listed and one that only some readings have says whose (``held_by``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from events.codec.fields import EARLIEST_DAY
from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.terms import ONE_DAY
from events.record.types import AgreementRegistered, ReadingHeld
from events.replay.fold import Replayer, developments
from events.replay.readings import latest_readings
from events.replay.status import Status
from events.replay.timeline import timeline
from events.rules.state import TerminationState


class DeadlineKind(StrEnum):
    NOTICE_DEADLINE = "notice_deadline"
    TERM_END = "term_end"
    TERMINATION_EFFECTIVE = "termination_effective"


@dataclass(frozen=True, order=True)
class Deadline:
    on: date
    kind: DeadlineKind
    term: int | None
    # The parties by whose reading of a contested fact it is a deadline; empty: everyone's.
    held_by: tuple[str, ...] = ()


def deadlines(
    records: Iterable[Recorded],
    start: date,
    end: date,
    known_at: datetime | None = None,
    perspective: Party | None = None,
) -> list[Deadline]:
    """Every deadline within [start, end], each once, in date order, as ``perspective``
    reads a contested fact -- or, from none, as each reading has it (see the module's note)."""
    records = list(records)
    if perspective is not None:
        return _deadlines(records, start, end, known_at, perspective)
    readings = latest_readings(developments(records, known_at))
    holders = {record.event.held_by for record in readings if isinstance(record.event, ReadingHeld)}
    if not holders:
        return _deadlines(records, start, end, known_at, None)
    registration = records[0].event
    assert isinstance(registration, AgreementRegistered)
    by_reading = {
        party.id: set(_deadlines(records, start, end, known_at, party))
        for party in registration.parties
        if {party.id, party.name} & holders
    }
    found = set().union(*by_reading.values())
    return sorted(
        deadline
        if all(deadline in held for held in by_reading.values())
        else replace(deadline, held_by=tuple(sorted(p for p, held in by_reading.items() if deadline in held)))
        for deadline in found
    )


def _deadlines(
    records: list[Recorded], start: date, end: date, known_at: datetime | None, perspective: Party | None
) -> list[Deadline]:
    """The statuses asked start the day before ``start``: a notice taking effect on ``start``
    was last pending then. A notice seen from several terms (a late one is pending through
    the next term too) is one deadline, named by the term it ends."""
    replayer = Replayer(records, known_at)
    found: set[Deadline] = set()
    for interval in timeline(records, max(start - ONE_DAY, EARLIEST_DAY), end, known_at, perspective):
        found.update(_of(replayer.status(interval.starts_on, perspective), replayer, perspective))
    return sorted(deadline for deadline in found if start <= deadline.on <= end)


def _of(status: Status, replayer: Replayer, perspective: Party | None) -> Iterable[Deadline]:
    term, termination = status.term, status.termination
    if term is not None:
        if term.notice_deadline is not None:
            yield Deadline(term.notice_deadline, DeadlineKind.NOTICE_DEADLINE, term.number)
        yield Deadline(term.ends_on, DeadlineKind.TERM_END, term.number)
    if termination is None or not _pending(status):
        return
    # Only a notice still pending the day before it takes effect has a day to watch: one
    # suspended or withdrawn in time never takes effect. Without fixed terms it ends no term.
    last_day = replayer.status(termination.effective_on - ONE_DAY, perspective)
    if _pending(last_day):
        ended = last_day.term.number if last_day.term is not None else None
        yield Deadline(termination.effective_on, DeadlineKind.TERMINATION_EFFECTIVE, ended)


def _pending(status: Status) -> bool:
    return status.termination is not None and status.termination.state is TerminationState.PENDING
