"""The fold state of an agreement: what the events applied so far say about it, and the
notices on record. events/rules.py moves it from event to event."""

from dataclasses import dataclass, replace
from datetime import date

from events.envelope import Recorded
from events.parties import Party
from events.status import Phase
from events.types import AgreementRegistered


@dataclass(frozen=True, kw_only=True)
class Notice:
    """A termination notice on record, and its suspension and reactivation if any (a
    reactivated notice is pending again; its suspension stays on record as its history)."""

    record: Recorded
    notified_on: date
    notified_by: Party
    effective_on: date
    suspension: Recorded | None = None
    suspended_on: date | None = None
    conditional: bool = False
    reactivation: Recorded | None = None


@dataclass(frozen=True, kw_only=True)
class Agreement:
    """The fold state: what the events applied so far say about the agreement."""

    registration: Recorded | None = None
    phase: Phase = Phase.UNKNOWN
    since: date | None = None
    phase_event: Recorded | None = None
    # The phase ``phase_event`` moved from: what held if it happened late in its month or year.
    phase_before: Phase = Phase.UNKNOWN
    signature: Recorded | None = None
    in_force_from: date | None = None
    # Every party may give notice ("either Party", GSOMIA Art. 21(3)): at most one each.
    notices: tuple[Notice, ...] = ()

    @property
    def profile(self) -> AgreementRegistered:
        assert self.registration is not None
        event = self.registration.event
        assert isinstance(event, AgreementRegistered)
        return event

    @property
    def notice(self) -> Notice | None:
        """The notice that governs the agreement's end: the pending one that takes effect
        first, else the suspended one given first."""
        pending = [notice for notice in self.notices if notice.suspended_on is None]
        if pending:
            return min(pending, key=lambda notice: (notice.effective_on, notice.notified_on))
        return min(self.notices, key=lambda notice: notice.notified_on, default=None)

    def notice_of(self, party: Party) -> Notice | None:
        return next((notice for notice in self.notices if notice.notified_by == party), None)

    def with_notice(self, party: Party, notice: Notice | None) -> "Agreement":
        """The state with ``party``'s notice replaced (None: withdrawn)."""
        others = tuple(kept for kept in self.notices if kept.notified_by != party)
        return replace(self, notices=others + ((notice,) if notice is not None else ()))
