"""The dates a party must watch: the last day to give notice before a term renews, the
last day of each term, and the day a pending notice takes effect.

They follow from the replay, not from anything stored: each term the timeline passes
through is asked for its end and notice deadline, as the status on that term's first day
in the range states them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from events.envelope import Recorded
from events.replay import Replayer, timeline
from events.status import Status, TerminationState

ONE_DAY = timedelta(days=1)


class DeadlineKind(StrEnum):
    NOTICE_DEADLINE = "notice_deadline"
    TERM_END = "term_end"
    TERMINATION_EFFECTIVE = "termination_effective"


@dataclass(frozen=True, order=True)
class Deadline:
    on: date
    kind: DeadlineKind
    term: int | None


def deadlines(records: Iterable[Recorded], start: date, end: date, known_at: datetime | None = None) -> list[Deadline]:
    """Every deadline within [start, end], in date order."""
    records = list(records)
    replayer = Replayer(records, known_at)
    found: set[Deadline] = set()
    for interval in timeline(records, start, end, known_at):
        if interval.term is not None:
            found.update(_of(replayer.status(interval.starts_on), replayer))
    return sorted(deadline for deadline in found if start <= deadline.on <= end)


def _of(status: Status, replayer: Replayer) -> Iterable[Deadline]:
    term, termination = status.term, status.termination
    if term is None:
        return
    if term.notice_deadline is not None:
        yield Deadline(term.notice_deadline, DeadlineKind.NOTICE_DEADLINE, term.number)
    yield Deadline(term.ends_on, DeadlineKind.TERM_END, term.number)
    # Only a notice still pending the day before it takes effect has a day to watch: one
    # suspended or withdrawn in time never takes effect.
    if termination is not None and _pending(status) and _pending(replayer.status(termination.effective_on - ONE_DAY)):
        yield Deadline(termination.effective_on, DeadlineKind.TERMINATION_EFFECTIVE, term.number)


def _pending(status: Status) -> bool:
    return status.termination is not None and status.termination.state is TerminationState.PENDING
