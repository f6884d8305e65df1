"""Any party's notice, its suspension, reactivation and withdrawal, in any order: the rules
either refuse an event with a reason or leave a state every answer can be read from."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events import Event, PartyPhase, Phase, RuleViolation, Terms, check_history, party_statuses, replay
from events.record.parties import Party
from events.record.types import (
    AgreementRegistered,
    EnteredIntoForce,
    Signed,
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
)
from events.replay.fold import Replayer
from events.rules.state import TerminationState
from tests.events.histories import in_force_from, recorded

START = date(2016, 1, 1)
PARTIES = ("A", "B")
# No fixed terms and a long notice period: notices stay on record while the actions run.
TERMS = Terms(notice_days=3650)
ACTIONS = ("notify", "suspend", "reactivate", "withdraw")
ALLOWED = {None: ("notify",), "pending": ("suspend", "withdraw"), "suspended": ("reactivate", "withdraw")}


@st.composite
def notice_actions(draw: st.DrawFn, parties: tuple[str, ...] = PARTIES) -> list[Event]:
    """Up to eight notice actions by any party, days apart: mostly ones the rules allow
    (each party's notice tracked as none, pending or suspended), some chosen blindly."""
    day, actions = START, []
    held: dict[str, str | None] = dict.fromkeys(parties)
    for _ in range(draw(st.integers(0, 8))):
        day += timedelta(days=draw(st.integers(1, 60)))
        party = draw(st.sampled_from(parties))
        blind = draw(st.integers(0, 9)) == 0
        kind = draw(st.sampled_from(ACTIONS if blind else ALLOWED[held[party]]))
        if kind == "notify":
            actions.append(TerminationNotified(occurred_on=day, notified_by=party))
            held[party] = "pending"
        elif kind == "suspend":
            actions.append(TerminationNoticeSuspended(occurred_on=day, suspended_by=party))
            held[party] = "suspended"
        elif kind == "reactivate":
            later = day + timedelta(days=draw(st.integers(1, 4000)))
            actions.append(TerminationNoticeReactivated(occurred_on=day, reactivated_by=party, effective_on=later))
            held[party] = "pending"
        else:
            actions.append(TerminationNoticeWithdrawn(occurred_on=day, withdrawn_by=party))
            held[party] = None
    return actions


# Yearly terms with 90 days' notice: a notice after a term's deadline is late, and ends
# the next term instead.
YEARLY = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90)


@given(actions=notice_actions(), terms=st.sampled_from([TERMS, YEARLY]), days_after=st.integers(0, 4000))
def test_notice_actions_are_refused_with_a_reason_or_replay_to_a_readable_status(
    actions: list[Event], terms: Terms, days_after: int
) -> None:
    history = recorded([*in_force_from(START, terms), *actions])
    try:
        check_history(history)
    except RuleViolation as violation:
        assert violation.reason
        return

    status = replay(history, START + timedelta(days=days_after))

    if status.phase is Phase.IN_FORCE and status.termination is not None:
        notified = [r for r in status.based_on if isinstance(r.event, TerminationNotified)]
        assert status.termination.notified_by in {r.event.notified_by for r in notified}  # type: ignore[attr-defined]
        assert len(notified) <= len(PARTIES)  # one notice a party at most
        if status.termination.state is TerminationState.PENDING:
            assert status.termination.effective_on > START + timedelta(days=days_after)
    if status.phase is Phase.TERMINATED:
        assert status.termination is None and status.since is not None
    reactivated = any(isinstance(r.event, TerminationNoticeReactivated) for r in status.based_on)
    if status.termination is not None and terms is YEARLY and not reactivated:
        # a notice takes effect when a term ends -- this one's, or the next one's when late
        assert (status.termination.effective_on.month, status.termination.effective_on.day) == (1, 1)


def test_a_party_gives_notice_by_its_id_or_its_name_and_is_answered_by_name() -> None:
    for named in ("b", "B"):
        events = [*in_force_from(START, TERMS), TerminationNotified(occurred_on=date(2017, 1, 1), notified_by=named)]

        status = replay(recorded(events), date(2017, 1, 2))

        assert status.termination is not None and status.termination.notified_by == "B"


def test_a_notice_by_someone_not_a_party_is_refused_with_the_parties_listed() -> None:
    events = [*in_force_from(START, TERMS), TerminationNotified(occurred_on=date(2017, 1, 1), notified_by="C")]

    with pytest.raises(RuleViolation) as violation:
        check_history(recorded(events))

    assert "a (A)" in str(violation.value) and "b (B)" in str(violation.value)


FOUR = ("A", "B", "C", "D")


@given(
    actions=notice_actions(FOUR),
    delay=st.sampled_from([None, 1, 6]),
    minimum=st.sampled_from([None, 3]),
    days_after=st.integers(0, 1500),
)
def test_in_a_multilateral_agreement_notices_are_withdrawals_that_leave_the_others_bound(
    actions: list[Event], delay: int | None, minimum: int | None, days_after: int
) -> None:
    """Any party's notice, suspension, reactivation and withdrawal, with or without an effect
    delay and a minimum of parties: refused with a reason, or every party's status adds up
    to the agreement's."""
    terms = Terms(notice_days=3650 if delay is None else None, withdrawal_effect_months=delay, minimum_parties=minimum)
    parties = tuple(Party(name.lower(), name) for name in FOUR)
    registration = AgreementRegistered(occurred_on=START, title="Four", parties=parties, terms=terms)
    history = recorded([registration, Signed(occurred_on=START), EnteredIntoForce(occurred_on=START), *actions])
    try:
        check_history(history)
    except RuleViolation as violation:
        assert violation.reason
        return

    on = START + timedelta(days=days_after)
    status, each = replay(history, on), party_statuses(Replayer(history), on)

    bound = [s for s in each if s.status in (PartyPhase.IN_FORCE, PartyPhase.WITHDRAWAL_PENDING)]
    withdrawn = [s for s in each if s.status is PartyPhase.WITHDRAWN]
    assert all(s.since is not None and s.since <= on for s in withdrawn)
    assert status.termination is None  # a withdrawal is a party's, not the agreement's end
    if status.phase is Phase.IN_FORCE:
        assert status.in_force_for == len(bound) >= (minimum or 2)
        assert len(bound) + len(withdrawn) == len(each)
    else:
        assert status.phase is Phase.TERMINATED and not bound
        assert len(withdrawn) >= 1 and len(each) - len(withdrawn) < (minimum or 2)
    pending = [s for s in each if s.status is PartyPhase.WITHDRAWAL_PENDING]
    assert all(s.notice is not None and s.notice.effective_on > on for s in pending)
