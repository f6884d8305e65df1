"""Any party's notice, its suspension, reactivation and withdrawal, in any order: the rules
either refuse an event with a reason or leave a state every answer can be read from."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events import Event, Phase, RuleViolation, Terms, check_history, replay
from events.status import TerminationState
from events.types import (
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
)
from tests.events.histories import in_force_from, recorded

START = date(2016, 1, 1)
PARTIES = ("A", "B")
# No fixed terms and a long notice period: notices stay on record while the actions run.
TERMS = Terms(notice_days=3650)
ACTIONS = ("notify", "suspend", "reactivate", "withdraw")
ALLOWED = {None: ("notify",), "pending": ("suspend", "withdraw"), "suspended": ("reactivate", "withdraw")}


@st.composite
def notice_actions(draw: st.DrawFn) -> list[Event]:
    """Up to eight notice actions by either party, days apart: mostly ones the rules allow
    (each party's notice tracked as none, pending or suspended), some chosen blindly."""
    day, actions = START, []
    held: dict[str, str | None] = dict.fromkeys(PARTIES)
    for _ in range(draw(st.integers(0, 8))):
        day += timedelta(days=draw(st.integers(1, 60)))
        party = draw(st.sampled_from(PARTIES))
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


@given(actions=notice_actions(), days_after=st.integers(0, 4000))
def test_notice_actions_are_refused_with_a_reason_or_replay_to_a_readable_status(
    actions: list[Event], days_after: int
) -> None:
    history = recorded([*in_force_from(START, TERMS), *actions])
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
