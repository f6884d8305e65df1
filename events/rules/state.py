"""The fold state of an agreement: its phase, what the events applied so far say about it,
and the notices on record -- and what a rule requires of the state before it applies an
event (``require_phase``, ``require_party``). The rules (lifecycle.py, party_steps.py)
move it from event to event."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.types import AgreementRegistered
from events.rules.errors import RuleViolation


class Phase(StrEnum):
    UNKNOWN = "unknown"
    # Inside the month (or year) of a step known only to the month (or year): see Uncertainty.
    UNCERTAIN = "uncertain"
    NEGOTIATING = "negotiating"
    STALLED = "stalled"
    INITIALED = "initialed"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    TERMINATED = "terminated"


class TerminationState(StrEnum):
    PENDING = "pending"
    SUSPENDED = "suspended"


class PartyPhase(StrEnum):
    NOT_PARTY = "not_party"
    SIGNED = "signed"
    CONSENTED = "consented"
    PROVISIONALLY_APPLYING = "provisionally_applying"
    IN_FORCE = "in_force"
    WITHDRAWAL_PENDING = "withdrawal_pending"
    WITHDRAWN = "withdrawn"


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

    @property
    def state(self) -> TerminationState:
        return TerminationState.SUSPENDED if self.suspended_on else TerminationState.PENDING

    @property
    def records(self) -> tuple[Recorded | None, ...]:
        """What an answer about the notice rests on: the notice, its suspension, its reactivation."""
        return (self.record, self.suspension, self.reactivation)


@dataclass(frozen=True, kw_only=True)
class PartyStep:
    """A party's own steps in a multilateral agreement: its signature, its consent to be
    bound, its provisional application, and the agreement's entry into force for it, each
    on its record's word."""

    signature: Recorded | None = None
    consent: Recorded | None = None
    provisional: Recorded | None = None
    entry: Recorded | None = None

    @property
    def status(self) -> PartyPhase:
        """How far the party's own steps have gone (a withdrawal is the agreement's to say)."""
        if self.entry:
            return PartyPhase.IN_FORCE
        if self.provisional:
            return PartyPhase.PROVISIONALLY_APPLYING
        return PartyPhase.CONSENTED if self.consent else PartyPhase.SIGNED


@dataclass(frozen=True, kw_only=True)
class Agreement:
    """The fold state: what the events applied so far say about the agreement, from the
    record of its registration (``registered``) on."""

    registered: Recorded | None = None
    phase: Phase = Phase.UNKNOWN
    since: date | None = None
    phase_event: Recorded | None = None
    # The phase ``phase_event`` moved from: what held if it happened late in its month or year.
    phase_before: Phase = Phase.UNKNOWN
    signature: Recorded | None = None
    in_force_from: date | None = None
    # Every party may give notice ("either Party", GSOMIA Art. 21(3)): at most one each.
    notices: tuple[Notice, ...] = ()
    # Multilateral agreements: each party's own steps, and the withdrawals that took effect
    # (a party's notice ends the agreement for it alone), by party id.
    party_steps: Mapping[str, PartyStep] = field(default_factory=dict)
    withdrawals: Mapping[str, Notice] = field(default_factory=dict)

    @property
    def registration(self) -> AgreementRegistered:
        """The registration itself: the parties and terms every rule reads."""
        assert self.registered is not None
        event = self.registered.event
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

    @property
    def multilateral(self) -> bool:
        """More than two parties: a notice is one party's withdrawal, not the agreement's end."""
        return len(self.registration.parties) > 2

    def in_force_for(self) -> tuple[Party, ...]:
        """The parties the agreement binds now: all, unless parties took steps of their own
        (then those it entered into force for), less those that withdrew."""
        if self.phase is not Phase.IN_FORCE:
            return ()
        parties = self.registration.parties
        if self.party_steps:
            parties = tuple(
                party for party in parties if _status(self.party_steps.get(party.id)) is PartyPhase.IN_FORCE
            )
        return tuple(party for party in parties if party.id not in self.withdrawals)

    def notice_of(self, party: Party) -> Notice | None:
        return next((notice for notice in self.notices if notice.notified_by == party), None)

    def with_notice(self, party: Party, notice: Notice | None) -> "Agreement":
        """The state with ``party``'s notice replaced (None: withdrawn)."""
        others = tuple(kept for kept in self.notices if kept.notified_by != party)
        return replace(self, notices=others + ((notice,) if notice is not None else ()))


def _status(step: PartyStep | None) -> PartyPhase | None:
    return step.status if step is not None else None


def require_phase(state: Agreement, record: Recorded, allowed: set[Phase]) -> None:
    if state.phase not in allowed:
        names = ", ".join(sorted(phase.value for phase in allowed))
        raise RuleViolation(record, f"not allowed while the agreement is {state.phase.value} (allowed when: {names})")


def require_party(state: Agreement, record: Recorded, named: str, field: str) -> Party:
    """The party ``named`` (by id or name) in the event's ``field``, which must be one of the agreement's."""
    party = state.registration.party(named)
    if party is None:
        parties = ", ".join(f"{party.id} ({party.name})" for party in state.registration.parties)
        raise RuleViolation(record, f"{field} {named!r} is not a party to the agreement: {parties}")
    return party
