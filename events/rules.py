"""The rules of an agreement's life: which development may follow which, and what time does.

``apply`` folds one recorded event into the state; ``settle`` lets time pass (a pending
notice takes effect, a non-renewable term runs out). Rules read the agreement's terms from
its registration, never GSOMIA-specific constants.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from events.envelope import Recorded
from events.errors import RuleViolation
from events.parties import Party
from events.status import Phase
from events.terms import earliest_notice_on, expires_on, notice_effective_on
from events.types import (
    AgreementRegistered,
    ContextNoted,
    DomesticallyApproved,
    EnteredIntoForce,
    Event,
    Initialed,
    NegotiationsOpened,
    NegotiationsResumed,
    NegotiationsStalled,
    Signed,
    TalksRoundHeld,
    Terminated,
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
)


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


def valid_time_order(records: Iterable[Recorded]) -> list[Recorded]:
    """Registration first, then by the day things happened; same-day events in stream order."""
    return sorted(
        records,
        key=lambda r: (not isinstance(r.event, AgreementRegistered), r.event.occurred_on, r.version),
    )


def settle(state: Agreement, day: date) -> Agreement:
    """Let time run to ``day``: a pending notice takes effect, a one-term agreement expires."""
    if state.phase is not Phase.IN_FORCE or state.in_force_from is None:
        return state
    notice = state.notice
    if notice and notice.suspended_on is None and day >= notice.effective_on:
        return replace(state, phase=Phase.TERMINATED, since=notice.effective_on, phase_event=notice.record)
    expiry = expires_on(state.profile.terms, state.in_force_from)
    if expiry is not None and day >= expiry:
        return replace(state, phase=Phase.TERMINATED, since=expiry, phase_event=None, notices=())
    return state


def apply(state: Agreement, record: Recorded) -> Agreement:
    """Fold one event into the state, or raise RuleViolation if the rules forbid it."""
    event = record.event
    if isinstance(event, AgreementRegistered):
        if state.registration is not None or record.version != 1:
            raise RuleViolation(record, "an agreement is registered once, as the first event of its stream")
        return replace(state, registration=record)
    if state.registration is None:
        raise RuleViolation(record, "the agreement must be registered before anything else is recorded")
    state = settle(state, event.occurred_on)
    return _HANDLERS[type(event)](state, record)


def _require_phase(state: Agreement, record: Recorded, allowed: set[Phase]) -> None:
    if state.phase not in allowed:
        names = ", ".join(sorted(phase.value for phase in allowed))
        raise RuleViolation(record, f"not allowed while the agreement is {state.phase.value} (allowed when: {names})")


def _require_party(state: Agreement, record: Recorded, named: str, field: str) -> Party:
    """The party ``named`` (by id or name) in the event's ``field``, which must be one of the agreement's."""
    party = state.profile.party(named)
    if party is None:
        parties = ", ".join(f"{party.id} ({party.name})" for party in state.profile.parties)
        raise RuleViolation(record, f"{field} {named!r} is not a party to the agreement: {parties}")
    return party


def _move(state: Agreement, record: Recorded, to: Phase) -> Agreement:
    return replace(state, phase=to, since=record.event.occurred_on, phase_event=record)


def _moves(allowed: set[Phase], to: Phase) -> Callable[[Agreement, Recorded], Agreement]:
    """A rule that only moves the phase: allowed from ``allowed``, ending in ``to``."""

    def rule(state: Agreement, record: Recorded) -> Agreement:
        _require_phase(state, record, allowed)
        return _move(state, record, to)

    return rule


def _stays(allowed: set[Phase]) -> Callable[[Agreement, Recorded], Agreement]:
    """A rule for developments that change no status but only make sense in some phases."""

    def rule(state: Agreement, record: Recorded) -> Agreement:
        _require_phase(state, record, allowed)
        return state

    return rule


def _domestically_approved(state: Agreement, record: Recorded) -> Agreement:
    assert isinstance(record.event, DomesticallyApproved)
    _require_phase(state, record, {Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED})
    _require_party(state, record, record.event.party, "party")
    return state


def _signed(state: Agreement, record: Recorded) -> Agreement:
    _require_phase(state, record, {Phase.UNKNOWN} | _BEFORE_FORCE)
    return replace(_move(state, record, Phase.SIGNED), signature=record)


def _entered_into_force(state: Agreement, record: Recorded) -> Agreement:
    # A treaty binds only once signed; a non-binding arrangement simply takes effect.
    if state.profile.legally_binding:
        if state.phase is not Phase.SIGNED:
            raise RuleViolation(record, f"the agreement was never signed (it is {state.phase.value})")
    else:
        _require_phase(state, record, {Phase.UNKNOWN, Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED})
    return replace(_move(state, record, Phase.IN_FORCE), in_force_from=record.event.occurred_on)


def _termination_notified(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, TerminationNotified)
    _require_phase(state, record, {Phase.IN_FORCE})
    party = _require_party(state, record, event.notified_by, "notified_by")
    given = state.notice_of(party)
    if given is not None:
        raise RuleViolation(
            record, f"the termination notice of {given.notified_on} is still on record; withdraw it first"
        )
    terms = state.profile.terms
    if terms.notice_period is None:
        raise RuleViolation(record, "the agreement's terms have no notice period; record 'terminated' instead")
    assert state.in_force_from is not None
    earliest = earliest_notice_on(terms, state.in_force_from)
    if earliest is not None and event.occurred_on < earliest:
        months = terms.earliest_notice_months
        raise RuleViolation(
            record, f"no notice may be given before {earliest} ({months} months after entry into force)"
        )
    effective = notice_effective_on(terms, state.in_force_from, event.occurred_on)
    notice = Notice(record=record, notified_on=event.occurred_on, notified_by=party, effective_on=effective)
    return state.with_notice(party, notice)


def _own_notice(state: Agreement, record: Recorded, named: str, action: str, *, pending_only: bool) -> Notice:
    """The notice of the party ``named``, which it wants to act on: a party acts on no other's notice."""
    _require_phase(state, record, {Phase.IN_FORCE})
    party = state.profile.party(named)
    notice = state.notice_of(party) if party is not None else None
    if notice is None and state.notices:
        givers = " and ".join(sorted(given.notified_by.name for given in state.notices))
        raise RuleViolation(record, f"only {givers}, who gave the notice, can {action} it")
    if notice is None or (pending_only and notice.suspended_on is not None):
        kind = "pending termination notice" if pending_only else "termination notice on record"
        raise RuleViolation(record, f"there is no {kind} to {action}")
    return notice


def _termination_notice_suspended(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, TerminationNoticeSuspended)
    notice = _own_notice(state, record, event.suspended_by, "suspend", pending_only=True)
    suspended = replace(notice, suspension=record, suspended_on=event.occurred_on, conditional=event.conditional)
    return state.with_notice(notice.notified_by, suspended)


def _termination_notice_reactivated(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, TerminationNoticeReactivated)
    notice = _own_notice(state, record, event.reactivated_by, "reactivate", pending_only=False)
    if notice.suspended_on is None:
        raise RuleViolation(record, "the termination notice is not suspended: there is nothing to reactivate")
    if event.effective_on <= event.occurred_on:
        raise RuleViolation(record, f"effective_on ({event.effective_on}) must be after the reactivation")
    reactivated = replace(
        notice, suspended_on=None, conditional=False, effective_on=event.effective_on, reactivation=record
    )
    return state.with_notice(notice.notified_by, reactivated)


def _termination_notice_withdrawn(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, TerminationNoticeWithdrawn)
    notice = _own_notice(state, record, event.withdrawn_by, "withdraw", pending_only=False)
    return state.with_notice(notice.notified_by, None)


def _terminated(state: Agreement, record: Recorded) -> Agreement:
    _require_phase(state, record, {Phase.IN_FORCE})
    return replace(_move(state, record, Phase.TERMINATED), notices=())


_BEFORE_FORCE = {Phase.NEGOTIATING, Phase.INITIALED}

_HANDLERS: dict[type[Event], Callable[[Agreement, Recorded], Agreement]] = {
    NegotiationsOpened: _moves({Phase.UNKNOWN}, Phase.NEGOTIATING),
    TalksRoundHeld: _stays(_BEFORE_FORCE),
    NegotiationsStalled: _moves(_BEFORE_FORCE, Phase.STALLED),
    NegotiationsResumed: _moves({Phase.STALLED}, Phase.NEGOTIATING),
    Initialed: _moves({Phase.UNKNOWN, Phase.NEGOTIATING}, Phase.INITIALED),
    DomesticallyApproved: _domestically_approved,
    Signed: _signed,
    EnteredIntoForce: _entered_into_force,
    TerminationNotified: _termination_notified,
    TerminationNoticeSuspended: _termination_notice_suspended,
    TerminationNoticeReactivated: _termination_notice_reactivated,
    TerminationNoticeWithdrawn: _termination_notice_withdrawn,
    Terminated: _terminated,
    ContextNoted: _stays(set(Phase)),
}
