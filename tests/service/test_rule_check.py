"""Checking new events against the kept fold of the history gives the same verdict as
folding the whole history again, whenever the shortcut is taken."""

from datetime import date, timedelta
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from events import Recorded, Replayer, RuleViolation, check_history
from events.record.types import (
    ContextNoted,
    EnteredIntoForce,
    Terminated,
    TerminationNoticeSuspended,
    TerminationNotified,
)
from events.replay.fold import continues
from tests.events.histories import RECORDED_AT
from tests.events.test_timeline import hypothetical_histories

KINDS = st.sampled_from(["note", "notice", "suspension", "terminated", "in_force"])


def development(kind: str, day: date) -> object:
    return {
        "note": ContextNoted(occurred_on=day),
        "notice": TerminationNotified(occurred_on=day, notified_by="A"),
        "suspension": TerminationNoticeSuspended(occurred_on=day, suspended_by="A"),
        "terminated": Terminated(occurred_on=day),
        "in_force": EnteredIntoForce(occurred_on=day),
    }[kind]


@settings(max_examples=300, deadline=None)
@given(hypothetical_histories(), st.lists(st.tuples(KINDS, st.integers(-30, 3000)), min_size=1, max_size=4))
def test_the_shortcut_and_the_full_fold_agree(history: list[Recorded], additions: list[tuple[str, int]]) -> None:
    replayer = Replayer(history)
    proposed = [
        Recorded(
            event=development(kind, replayer.last_day + timedelta(days=offset)),
            event_id=uuid4(),  # type: ignore[arg-type]
            stream_id="test-pact",
            version=len(history) + i,
            recorded_at=RECORDED_AT,
        )  # fmt: skip
        for i, (kind, offset) in enumerate(sorted(additions, key=lambda a: a[1]), start=1)
    ]
    if not continues(replayer, proposed):
        return  # the service folds the whole history then, as check_history does

    try:
        replayer.check_continuation(proposed)
        shortcut = None
    except RuleViolation as rejected:
        shortcut = ([r.event_id for r in proposed].index(rejected.record.event_id), rejected.reason)
    try:
        check_history([*history, *proposed])
        full = None
    except RuleViolation as violation:
        full = ([r.event_id for r in proposed].index(violation.record.event_id), violation.reason)

    assert shortcut == full
    if full is None:
        longer = replayer.extended(proposed)
        assert longer is not None
        for day in (replayer.last_day, proposed[-1].event.occurred_on, date(2040, 1, 1)):
            assert longer.status(day) == Replayer([*history, *proposed]).status(day)
