"""What the replay answers: the status of an agreement on one day, and intervals of it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.precision import Precision
from events.rules.state import Phase, TerminationState


@dataclass(frozen=True, kw_only=True)
class TerminationStatus:
    """A termination notice on record; ``effective_on`` is the first day out of force.
    ``notified_by`` is the notifying party's name (GET /agreements/<id>/parties has its id)."""

    state: TerminationState
    notified_on: date
    notified_by: str
    effective_on: date
    suspended_on: date | None = None
    conditional: bool = False


@dataclass(frozen=True, kw_only=True)
class TermStatus:
    """The running term; ``renewal_disputed`` while a suspended notice clouds the renewal."""

    number: int
    started_on: date
    ends_on: date
    notice_deadline: date | None
    renewal_disputed: bool = False


@dataclass(frozen=True, kw_only=True)
class Reading:
    """A party's reading and what the answer is under it: the term (None: no term runs)."""

    held_by: Party
    reading: str
    term: TermStatus | None
    record: Recorded


@dataclass(frozen=True, kw_only=True)
class Contest:
    """A fact the parties read differently, on the day asked."""

    fact: str
    concerns: UUID
    readings: tuple[Reading, ...]

    def of(self, party: Party | None) -> Reading | None:
        return next((reading for reading in self.readings if reading.held_by == party), None)


@dataclass(frozen=True, kw_only=True)
class Uncertainty:
    """Why a day's phase is not known: the step into ``phase_after`` happened on some day
    from ``earliest`` to ``latest`` (known only to ``precision``), and until ``latest`` the
    agreement may still have been ``phase_before``."""

    earliest: date
    latest: date
    precision: Precision
    phase_before: Phase
    phase_after: Phase


@dataclass(frozen=True, kw_only=True)
class Status:
    """``since`` is known to ``since_precision``: a step known only to its month is dated
    its first day. On a day inside that month the phase is uncertain (``uncertain`` says why)."""

    phase: Phase
    since: date | None
    since_precision: Precision = Precision.DAY
    uncertain: Uncertainty | None = None
    # The parties read a fact of this day differently: ``term`` is then the reading's of the
    # perspective asked for, or the text's from none (``renewal_disputed``), beside each reading.
    contested: Contest | None = None
    # A multilateral agreement in force: how many parties it binds that day.
    in_force_for: int | None = None
    termination: TerminationStatus | None = None
    term: TermStatus | None = None
    based_on: tuple[Recorded, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Interval:
    """A maximal run of days with the same phase, termination state and term number, and
    with a fact the parties read differently (``contested``) or not.

    ``changed_by`` lists the events dated ``starts_on`` that began the interval; ``derived``
    is true when the change came from the agreement's rules alone (a renewal, a notice
    taking effect, an expiry) rather than from a recorded event.
    """

    starts_on: date
    ends_on: date
    phase: Phase
    termination: TerminationState | None
    term: int | None
    contested: bool = False
    changed_by: tuple[UUID, ...] = ()
    derived: bool = False


def once_each(records: Iterable[Recorded | None]) -> tuple[Recorded, ...]:
    """The events an answer rests on, each once, in the order first named (None left out)."""
    return tuple({record.event_id: record for record in records if record is not None}.values())
