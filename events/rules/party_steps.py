"""A party's own steps in a multilateral agreement -- its signature, its consent to be
bound, its provisional application, the agreement's entry into force for it, and its
withdrawal -- beside the steps the
agreement takes as a whole (events/rules/lifecycle.py), which bind every party alike.

Once any party has a step of its own, the agreement's entry into force binds only the
parties that consented by then, and each later one from its own entry into force. In an
agreement of more than two parties a party's notice is its withdrawal: when it takes
effect the agreement stays in force for the others, while at least two remain.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.types import (
    ConsentExpressed,
    EnteredIntoForceFor,
    Event,
    PartySigned,
    ProvisionalApplicationBegan,
    WithdrawalTookEffect,
)
from events.rules.errors import RuleViolation
from events.rules.state import Agreement, Notice, PartyStep, Phase, require_party, require_phase

# A treaty binds fewer than two parties to nothing (terms may ask for more).
MINIMUM_PARTIES = 2


def bound_since(state: Agreement, party: Party) -> date:
    """The day the agreement began to bind ``party``: its own entry into force for it, or the
    agreement's (an earliest notice day counts from it, as the Paris Agreement's Art. 28)."""
    step = state.party_steps.get(party.id)
    if step is not None and step.entry is not None:
        return step.entry.event.occurred_on
    assert state.in_force_from is not None
    return state.in_force_from


def _party_signed(state: Agreement, record: Recorded) -> Agreement:
    """The first party's signature signs the agreement (it is open for the others)."""
    event = record.event
    assert isinstance(event, PartySigned)
    require_phase(state, record, {Phase.UNKNOWN, Phase.NEGOTIATING, Phase.INITIALED, Phase.SIGNED, Phase.IN_FORCE})
    party = require_party(state, record, event.party, "party")
    if party.id in state.party_steps or state.signature is not None:
        raise RuleViolation(record, f"{party.name} has signed already, or took a step past signing")
    steps = {**state.party_steps, party.id: PartyStep(signature=record)}
    if state.phase in (Phase.SIGNED, Phase.IN_FORCE):
        return replace(state, party_steps=steps)
    day = event.occurred_on
    return replace(
        state, phase=Phase.SIGNED, since=day, phase_event=record, phase_before=state.phase, party_steps=steps
    )


def _consent_expressed(state: Agreement, record: Recorded) -> Agreement:
    """Ratification needs the party's signature; accession and succession never do."""
    event = record.event
    assert isinstance(event, ConsentExpressed)
    require_phase(state, record, set(Phase) - {Phase.TERMINATED, Phase.UNCERTAIN})
    party = require_party(state, record, event.party, "party")
    step = state.party_steps.get(party.id, PartyStep())
    if step.consent is not None:
        raise RuleViolation(record, f"{party.name} consented already, on {step.consent.event.occurred_on}")
    if event.means == "ratification" and step.signature is None and state.signature is None:
        raise RuleViolation(
            record, f"{party.name} ratifies what it never signed: record its signature, or its accession"
        )
    return replace(state, party_steps={**state.party_steps, party.id: replace(step, consent=record)})


def _entered_into_force_for(state: Agreement, record: Recorded) -> Agreement:
    event = record.event
    assert isinstance(event, EnteredIntoForceFor)
    require_phase(state, record, {Phase.IN_FORCE})
    party = require_party(state, record, event.party, "party")
    step = state.party_steps.get(party.id, PartyStep())
    if step.consent is None or step.entry is not None or party.id in state.withdrawals:
        raise RuleViolation(
            record, f"it enters into force for a party that consented and is not bound yet: not {party.name}"
        )
    return replace(state, party_steps={**state.party_steps, party.id: replace(step, entry=record)})


def _provisional_application_began(state: Agreement, record: Recorded) -> Agreement:
    """As the terms allow, by a party that signed or consented, before it is bound."""
    event = record.event
    assert isinstance(event, ProvisionalApplicationBegan)
    require_phase(state, record, set(Phase) - {Phase.TERMINATED, Phase.UNCERTAIN})
    party = require_party(state, record, event.party, "party")
    if not state.registration.terms.provisional_application:
        raise RuleViolation(record, "the agreement's terms provide for no provisional application")
    step = state.party_steps.get(party.id, PartyStep())
    if step.signature is None and step.consent is None and state.signature is None:
        raise RuleViolation(record, f"{party.name} applies provisionally what it neither signed nor consented to")
    if step.provisional is not None or step.entry is not None:
        raise RuleViolation(record, f"{party.name} applies it already, or is bound by it")
    return replace(state, party_steps={**state.party_steps, party.id: replace(step, provisional=record)})


def enter_into_force_for_consented(state: Agreement, record: Recorded) -> Agreement:
    """The agreement's own entry into force, in ``state``: where parties took steps of their
    own, it binds those that consented by then, who must be at least two."""
    if not state.party_steps:
        return state
    consented = {party_id for party_id, step in state.party_steps.items() if step.consent is not None}
    if len(consented) < MINIMUM_PARTIES:
        raise RuleViolation(record, "it enters into force for the parties that consented: fewer than two have")
    steps = {
        party_id: replace(step, entry=record) if party_id in consented else step
        for party_id, step in state.party_steps.items()
    }
    return replace(state, party_steps=steps)


def _withdrawal_took_effect(state: Agreement, record: Recorded) -> Agreement:
    """The party's pending notice takes effect on the event's day, whatever day it was due."""
    event = record.event
    assert isinstance(event, WithdrawalTookEffect)
    require_phase(state, record, {Phase.IN_FORCE})
    party = require_party(state, record, event.party, "party")
    notice = state.notice_of(party)
    if notice is None or notice.suspended_on is not None:
        raise RuleViolation(record, f"{party.name} has no pending notice to take effect")
    if not state.multilateral:
        day = event.occurred_on
        return replace(state, phase=Phase.TERMINATED, since=day, phase_event=record, notices=())
    return _withdraw(state, replace(notice, effective_on=event.occurred_on, record=record))


def withdrawals_due(state: Agreement, day: date) -> Agreement:
    """Let time run to ``day`` in a multilateral agreement: each pending notice whose day has
    come takes its party out; with fewer parties left than its terms' minimum (two, unless
    they say more) the agreement ends."""
    due = sorted(
        (notice for notice in state.notices if notice.suspended_on is None and notice.effective_on <= day),
        key=lambda notice: (notice.effective_on, notice.notified_on),
    )
    for notice in due:
        state = _withdraw(state, notice)
        if state.phase is not Phase.IN_FORCE:
            break
    return state


def _withdraw(state: Agreement, notice: Notice) -> Agreement:
    """``notice``'s party out on its effective day; below the minimum, the agreement ends."""
    withdrawals = {**state.withdrawals, notice.notified_by.id: notice}
    state = replace(state.with_notice(notice.notified_by, None), withdrawals=withdrawals)
    if len(state.in_force_for()) < (state.registration.terms.minimum_parties or MINIMUM_PARTIES):
        return replace(state, phase=Phase.TERMINATED, since=notice.effective_on, phase_event=notice.record)
    return state


PARTY_HANDLERS: dict[type[Event], Callable[[Agreement, Recorded], Agreement]] = {
    PartySigned: _party_signed,
    ConsentExpressed: _consent_expressed,
    EnteredIntoForceFor: _entered_into_force_for,
    ProvisionalApplicationBegan: _provisional_application_began,
    WithdrawalTookEffect: _withdrawal_took_effect,
}
