"""The rules of termination notices: who may give one and when, when it takes effect, and
its suspension, reactivation and withdrawal -- each by the party that gave it -- and the
parties' readings of a renewal a suspended notice clouds (events/replay/readings.py says
how answers follow them). The lifecycle (lifecycle.py) dispatches these events here.
"""

from collections.abc import Callable
from dataclasses import replace

from events.record.envelope import Recorded
from events.record.terms import after_months, earliest_notice_on, notice_effective_on
from events.record.types import (
    Event,
    ReadingHeld,
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
)
from events.rules.errors import RuleViolation
from events.rules.party_steps import bound_since
from events.rules.state import Agreement, Notice, Phase, require_party, require_phase


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
    terms = state.registration.terms
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
    party = state.registration.party(named)
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


NOTICE_HANDLERS: dict[type[Event], Callable[[Agreement, Recorded], Agreement]] = {
    TerminationNotified: _termination_notified,
    TerminationNoticeSuspended: _termination_notice_suspended,
    TerminationNoticeReactivated: _termination_notice_reactivated,
    TerminationNoticeWithdrawn: _termination_notice_withdrawn,
    ReadingHeld: _reading_held,
}
