"""Each party's own status on a day: not (or no longer) a party, signed, consented,
provisionally applying it, in force for it, its withdrawal pending, or withdrawn. When the
agreement ends for all, the party whose notice ended it has withdrawn, and the others are
parties no more (``not_party``, since that day).

A bilateral agreement's parties follow the agreement's own steps; a multilateral one's,
once they take steps of their own, their own (events/rules/party_steps.py).
"""

from dataclasses import dataclass
from datetime import date

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.types import TerminationNotified, WithdrawalTookEffect
from events.replay.fold import Replayer
from events.replay.status import once_each
from events.rules.lifecycle import settle
from events.rules.state import Agreement, Notice, PartyPhase, PartyStep, Phase, TerminationState


@dataclass(frozen=True, kw_only=True)
class PartyNotice:
    """The party's own notice: pending or suspended, and the first day out of force."""

    state: TerminationState
    notified_on: date
    effective_on: date
    suspended_on: date | None


@dataclass(frozen=True, kw_only=True)
class PartyStatus:
    party: Party
    status: PartyPhase
    since: date | None
    notice: PartyNotice | None
    based_on: tuple[Recorded, ...]


def party_statuses(replayer: Replayer, on: date) -> list[PartyStatus]:
    """Every party's status on ``on``, in the order the registration names them."""
    state = settle(replayer.state(on), on)
    if state.registered is None:
        return []
    return [_status_of(state, party) for party in state.registration.parties]


def _status_of(state: Agreement, party: Party) -> PartyStatus:
    assert state.registered is not None
    withdrawal = state.withdrawals.get(party.id)
    if withdrawal is not None:
        return _status(party, PartyPhase.WITHDRAWN, withdrawal.effective_on, None, state, withdrawal.record)
    if state.phase is Phase.TERMINATED:
        # Ended by this party's notice, it withdrew; ended otherwise, it is a party no more.
        status = PartyPhase.WITHDRAWN if _ended_by(state) == party else PartyPhase.NOT_PARTY
        return _status(party, status, state.since, None, state, state.phase_event)
    own = state.notice_of(party)
    if party in state.in_force_for():
        step = state.party_steps.get(party.id)
        since = step.entry.event.occurred_on if step is not None and step.entry is not None else state.in_force_from
        records = (_steps(step) if step else (state.signature, state.phase_event)) + (own.records if own else ())
        if own is not None and own.suspended_on is None:
            return _status(party, PartyPhase.WITHDRAWAL_PENDING, own.notified_on, own, state, *records)
        return _status(party, PartyPhase.IN_FORCE, since, own, state, *records)
    step = state.party_steps.get(party.id)
    if step is not None and step.provisional is not None:
        since = step.provisional.event.occurred_on
        return _status(party, PartyPhase.PROVISIONALLY_APPLYING, since, None, state, *_steps(step))
    if step is not None and step.consent is not None:
        return _status(party, PartyPhase.CONSENTED, step.consent.event.occurred_on, None, state, *_steps(step))
    if step is not None and step.signature is not None:
        return _status(party, PartyPhase.SIGNED, step.signature.event.occurred_on, None, state, step.signature)
    if state.signature is not None and not state.party_steps:
        return _status(party, PartyPhase.SIGNED, state.signature.event.occurred_on, None, state, state.signature)
    return _status(party, PartyPhase.NOT_PARTY, None, None, state)


def _ended_by(state: Agreement) -> Party | None:
    """The party whose notice ended the agreement, if a notice did."""
    ended = state.phase_event.event if state.phase_event is not None else None
    if isinstance(ended, TerminationNotified):
        return state.registration.party(ended.notified_by)
    if isinstance(ended, WithdrawalTookEffect):
        return state.registration.party(ended.party)
    return None


def _status(
    party: Party,
    status: PartyPhase,
    since: date | None,
    notice: Notice | None,
    state: Agreement,
    *records: Recorded | None,
) -> PartyStatus:
    told = None
    if notice is not None:
        told = PartyNotice(
            state=notice.state,
            notified_on=notice.notified_on,
            effective_on=notice.effective_on,
            suspended_on=notice.suspended_on,
        )
    based_on = once_each([state.registered, *records])
    return PartyStatus(party=party, status=status, since=since, notice=told, based_on=based_on)


def _steps(step: PartyStep) -> tuple[Recorded | None, ...]:
    return (step.signature, step.consent, step.provisional, step.entry)
