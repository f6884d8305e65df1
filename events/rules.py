"""The rules of an agreement's life: which development may follow which, and what time does.

``apply`` folds one recorded event into the state; ``settle`` lets time pass (a pending
notice takes effect, a non-renewable term runs out). Rules read the agreement's terms from
its registration, never GSOMIA-specific constants.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from events.envelope import Recorded
from events.errors import RuleViolation
from events.party_rules import PARTY_HANDLERS, bound_since, enter_into_force_for_consented, withdrawals_due
from events.precision import Precision, first_day
from events.requirements import require_party, require_phase
from events.state import Agreement, Notice
from events.status import Phase
from events.terms import after_months, earliest_notice_on, expires_on, notice_effective_on
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
    ReadingHeld,
    Signed,
    TalksRoundHeld,
    Terminated,
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
    WithdrawalTookEffect,
)


def valid_time_order(records: Iterable[Recorded]) -> list[Recorded]:
    """Registration first, then by the day things happened; same-day events in stream order."""
    return sorted(
        records,
        key=lambda r: (not isinstance(r.event, AgreementRegistered), r.event.occurred_on, r.version),
    )


def settle(state: Agreement, day: date) -> Agreement:
    """Let time run to ``day``: a pending notice takes effect (in a multilateral agreement,
    as one party's withdrawal), a one-term agreement expires."""
    if state.phase is not Phase.IN_FORCE or state.in_force_from is None:
        return state
    in_force_from = state.in_force_from
    if state.multilateral:
        state = withdrawals_due(state, day)
        if state.phase is not Phase.IN_FORCE:
            return state
    notice = state.notice if not state.multilateral else None
    if notice and notice.suspended_on is None and day >= notice.effective_on:
        return replace(state, phase=Phase.TERMINATED, since=notice.effective_on, phase_event=notice.record)
    expiry = expires_on(state.profile.terms, in_force_from)
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
    _require_known_day(record)
    state = settle(state, event.occurred_on)
    return _HANDLERS[type(event)](state, record)


# A notice's day decides when it takes effect, so it must be known to the day.
_DAY_ONLY = (
    TerminationNotified,
    TerminationNoticeSuspended,
    TerminationNoticeReactivated,
    TerminationNoticeWithdrawn,
    WithdrawalTookEffect,
)


def _require_known_day(record: Recorded) -> None:
    event = record.event
    precision = event.date_precision
    if precision is Precision.DAY:
        return
    if event.occurred_on != first_day(event.occurred_on, precision):
        first = first_day(event.occurred_on, precision)
        raise RuleViolation(record, f"an event known only to the {precision.value} is dated its first day ({first})")
    if isinstance(event, _DAY_ONLY):
        raise RuleViolation(record, "a notice's day decides when it takes effect: it must be known to the day")


def _move(state: Agreement, record: Recorded, to: Phase) -> Agreement:
    return replace(state, phase=to, since=record.event.occurred_on, phase_event=record, phase_before=state.phase)


def _moves(allowed: set[Phase], to: Phase) -> Callable[[Agreement, Recorded], Agreement]:
    """A rule that only moves the phase: allowed from ``allowed``, ending in ``to``."""

    def rule(state: Agreement, record: Recorded) -> Agreement:
        require_phase(state, record, allowed)
        return _move(state, record, to)

    return rule


def _stays(allowed: set[Phase]) -> Callable[[Agreement, Recorded], Agreement]:
    """A rule for developments that change no status but only make sense in some phases."""

    def rule(state: Agreement, record: Recorded) -> Agreement:
        require_phase(state, record, allowed)
        return state

    return rule


def _domestically_approved(state: Agreement, record: Recorded) -> Agreement:
    assert isinstance(record.event, DomesticallyApproved)
    require_phase(state, record, {Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED})
    require_party(state, record, record.event.party, "party")
    return state


def _signed(state: Agreement, record: Recorded) -> Agreement:
    require_phase(state, record, {Phase.UNKNOWN} | _BEFORE_FORCE)
    return replace(_move(state, record, Phase.SIGNED), signature=record)


def _entered_into_force(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, EnteredIntoForce)
    if state.in_force_from is not None:
        raise RuleViolation(
            record, f"the agreement already entered into force on {state.in_force_from} (it is {state.phase.value})"
        )
    # A treaty binds only once signed (on a day on record, or on one the chronology does not
    # know, when nothing before is known); a non-binding arrangement simply takes effect.
    if state.profile.legally_binding:
        signed_off_record = event.signature_unrecorded and state.phase is Phase.UNKNOWN
        if state.phase is not Phase.SIGNED and not signed_off_record:
            raise RuleViolation(record, f"the agreement was never signed (it is {state.phase.value})")
    else:
        require_phase(state, record, {Phase.UNKNOWN, Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED})
    if event.date_precision is not Precision.DAY and state.profile.terms.initial_term_months is not None:
        raise RuleViolation(
            record, "its terms are counted from the day of entry into force: it must be known to the day"
        )
    entered = replace(_move(state, record, Phase.IN_FORCE), in_force_from=event.occurred_on)
    return enter_into_force_for_consented(entered, record)


def _termination_notified(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, TerminationNotified)
    require_phase(state, record, {Phase.IN_FORCE})
    party = require_party(state, record, event.notified_by, "notified_by")
    if state.multilateral and party not in state.in_force_for():
        raise RuleViolation(record, f"the agreement does not bind {party.name}: it has nothing to withdraw from")
    given = state.notice_of(party)
    if given is not None:
        raise RuleViolation(
            record, f"the termination notice of {given.notified_on} is still on record; withdraw it first"
        )
    terms = state.profile.terms
    delay = terms.withdrawal_effect_months if state.multilateral else None
    if not terms.has_notice_clause and delay is None:
        raise RuleViolation(record, "the agreement's terms have no notice period; record 'terminated' instead")
    bound_from = bound_since(state, party)
    earliest = earliest_notice_on(terms, bound_from)
    if earliest is not None and event.occurred_on < earliest:
        months = terms.earliest_notice_months
        raise RuleViolation(
            record, f"no notice may be given before {earliest} ({months} months after entry into force)"
        )
    if delay is not None:
        effective = after_months(event.occurred_on, delay)
    else:
        assert state.in_force_from is not None
        effective = notice_effective_on(terms, state.in_force_from, event.occurred_on)
    notice = Notice(record=record, notified_on=event.occurred_on, notified_by=party, effective_on=effective)
    return state.with_notice(party, notice)


def _own_notice(state: Agreement, record: Recorded, named: str, action: str, *, pending_only: bool) -> Notice:
    """The notice of the party ``named``, which it wants to act on: a party acts on no other's notice."""
    require_phase(state, record, {Phase.IN_FORCE})
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


def _reading_held(state: Agreement, record: Recorded) -> Agreement:
    """A reading of the renewal concerns a suspension on record, and is a party's."""
    event = record.event
    assert isinstance(event, ReadingHeld)
    require_phase(state, record, {Phase.IN_FORCE})
    require_party(state, record, event.held_by, "held_by")
    suspensions = {notice.suspension.event_id for notice in state.notices if notice.suspension is not None}
    if event.concerns not in suspensions:
        raise RuleViolation(record, f"concerns {event.concerns}, which is no suspension of a notice on record")
    return state


def _terminated(state: Agreement, record: Recorded) -> Agreement:
    require_phase(state, record, {Phase.IN_FORCE})
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
    ReadingHeld: _reading_held,
    **PARTY_HANDLERS,
    ContextNoted: _stays(set(Phase)),
}
