"""The dates a party must watch: the last day to give notice before a term renews, the
last day of each term, and the day a pending notice takes effect.

They follow from the replay, not from anything stored: each interval of the timeline is
asked for its term's end and notice deadline and for a pending notice's effect, as the
status on the interval's first day states them -- an agreement without fixed terms has
only the last of these.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from events.envelope import Recorded
from events.fields import EARLIEST_DAY
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
    """Every deadline within [start, end], each once, in date order.

    The statuses asked start the day before ``start``: a notice taking effect on ``start``
    was last pending then. A notice seen from several terms (a late one is pending through
    the next term too) is one deadline, named by the term it ends."""
    records = list(records)
    replayer = Replayer(records, known_at)
    found: set[Deadline] = set()
    for interval in timeline(records, max(start - ONE_DAY, EARLIEST_DAY), end, known_at):
        found.update(_of(replayer.status(interval.starts_on), replayer))
    return sorted(deadline for deadline in found if start <= deadline.on <= end)


def _of(status: Status, replayer: Replayer) -> Iterable[Deadline]:
    term, termination = status.term, status.termination
    if term is not None:
        if term.notice_deadline is not None:
            yield Deadline(term.notice_deadline, DeadlineKind.NOTICE_DEADLINE, term.number)
        yield Deadline(term.ends_on, DeadlineKind.TERM_END, term.number)
    if termination is None or not _pending(status):
        return
    # Only a notice still pending the day before it takes effect has a day to watch: one
    # suspended or withdrawn in time never takes effect. Without fixed terms it ends no term.
    last_day = replayer.status(termination.effective_on - ONE_DAY)
    if _pending(last_day):
        ended = last_day.term.number if last_day.term is not None else None
        yield Deadline(termination.effective_on, DeadlineKind.TERMINATION_EFFECTIVE, ended)


def _pending(status: Status) -> bool:
    return status.termination is not None and status.termination.state is TerminationState.PENDING
