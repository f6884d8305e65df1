"""The rules of an agreement's life: which development may follow which, and what time does.

``apply`` folds one recorded event into the state; ``settle`` lets time pass (a pending
notice takes effect, a non-renewable term runs out). The phases' rules are here; a
notice's are in notices.py, a party's own steps' in party_steps.py, and ``apply`` sends
each event to its rule. Rules read the agreement's terms from its registration, never
GSOMIA-specific constants.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from events.record.envelope import Recorded
from events.record.precision import Precision, first_day
from events.record.terms import expires_on
from events.record.types import (
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
    WithdrawalTookEffect,
)
from events.rules.errors import RuleViolation
from events.rules.notices import NOTICE_HANDLERS
from events.rules.party_steps import PARTY_HANDLERS, enter_into_force_for_consented, withdrawals_due
from events.rules.state import Agreement, Phase, require_party, require_phase


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
    expiry = expires_on(state.registration.terms, in_force_from)
    if expiry is not None and day >= expiry:
        return replace(state, phase=Phase.TERMINATED, since=expiry, phase_event=None, notices=())
    return state


def apply(state: Agreement, record: Recorded) -> Agreement:
    """Fold one event into the state, or raise RuleViolation if the rules forbid it."""
    event = record.event
    if isinstance(event, AgreementRegistered):
        if state.registered is not None or record.version != 1:
            raise RuleViolation(record, "an agreement is registered once, as the first event of its stream")
        return replace(state, registered=record)
    if state.registered is None:
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
    if state.registration.legally_binding:
        signed_off_record = event.signature_unrecorded and state.phase is Phase.UNKNOWN
        if state.phase is not Phase.SIGNED and not signed_off_record:
            raise RuleViolation(record, f"the agreement was never signed (it is {state.phase.value})")
    else:
        require_phase(state, record, {Phase.UNKNOWN, Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED})
    if event.date_precision is not Precision.DAY and state.registration.terms.initial_term_months is not None:
        raise RuleViolation(
            record, "its terms are counted from the day of entry into force: it must be known to the day"
        )
    entered = replace(_move(state, record, Phase.IN_FORCE), in_force_from=event.occurred_on)
    return enter_into_force_for_consented(entered, record)


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
    Terminated: _terminated,
    **NOTICE_HANDLERS,
    **PARTY_HANDLERS,
    ContextNoted: _stays(set(Phase)),
}
