"""The checkpointed Replayer answers exactly what a replay from the start does."""

from collections.abc import Callable
from datetime import date, timedelta
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events import Recorded, Replayer, RuleViolation, replay
from events.record.types import ContextNoted
from tests.events.histories import RECORDED_AT, gsomia
from tests.events.test_timeline import hypothetical_histories

DAYS = st.dates(date(1990, 1, 1), date(2040, 12, 31))


def with_notes(history: list[Recorded], days: list[date]) -> list[Recorded]:
    """The history with context notes on ``days``: events that change nothing, to make it long."""
    notes = [
        Recorded(
            event=ContextNoted(occurred_on=day),
            event_id=uuid4(),
            stream_id="test-pact",
            version=len(history) + i,
            recorded_at=RECORDED_AT,
        )  # fmt: skip
        for i, day in enumerate(days, start=1)
    ]
    return history + notes


@settings(max_examples=150, deadline=None)
@given(
    history=hypothetical_histories(), notes=st.lists(DAYS, max_size=300), days=st.lists(DAYS, min_size=1, max_size=12)
)
def test_a_replayer_agrees_with_replay_on_any_day(history: list[Recorded], notes: list[date], days: list[date]) -> None:
    long = with_notes(history, notes)
    replayer = Replayer(long)

    for day in days:
        assert replayer.status(day) == replay(long, day)


def outcome(answer: Callable[[], object]) -> object:
    """The answer, or the rule violation that stopped it."""
    try:
        return answer()
    except RuleViolation as violation:
        return str(violation)


@pytest.mark.parametrize("without", [(), ("agreement_registered",), ("termination_notice_suspended",)])
def test_a_replayer_of_the_real_chronology_and_broken_variants_agrees_every_month(without: tuple[str, ...]) -> None:
    history = gsomia(without=without)
    replayer = Replayer(history)
    day = date(2010, 1, 1)
    while day < date(2030, 1, 1):
        assert outcome(lambda: replayer.status(day)) == outcome(lambda: replay(history, day))  # noqa: B023
        day += timedelta(days=30)


def test_a_long_stream_keeps_a_fold_state_every_checkpoint_events() -> None:
    history = with_notes(gsomia(), [date(2017, 1, 1)] * 1000)
    replayer = Replayer(history)

    replayer.status(date(2030, 1, 1))

    assert len(replayer._checkpoints) == 1 + len(history) // Replayer.CHECKPOINT
