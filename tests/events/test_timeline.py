from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events import Phase, RuleViolation, Terms, check_history, replay, timeline
from events.record.terms import term_on
from events.record.types import TerminationNoticeSuspended, TerminationNoticeWithdrawn, TerminationNotified
from events.rules.state import TerminationState
from tests.events.histories import gsomia, in_force_from, recorded

HISTORY = gsomia()


def test_the_gsomia_timeline_from_2011_to_2023() -> None:
    intervals = timeline(HISTORY, date(2011, 1, 1), date(2023, 12, 31))

    summary = [(i.starts_on.isoformat(), i.phase.value, i.termination, i.term, i.derived) for i in intervals]
    assert summary == [
        ("2011-01-01", "unknown", None, None, False),
        ("2011-01-10", "negotiating", None, None, False),
        ("2012-04-23", "initialed", None, None, False),
        ("2012-06-29", "stalled", None, None, False),
        ("2016-10-27", "negotiating", None, None, False),
        ("2016-11-14", "initialed", None, None, False),
        ("2016-11-23", "in_force", None, 1, False),
        ("2017-11-23", "in_force", None, 2, True),
        ("2018-11-23", "in_force", None, 3, True),
        ("2019-08-23", "in_force", TerminationState.PENDING, 3, False),
        ("2019-11-22", "in_force", TerminationState.SUSPENDED, 3, False),
        ("2019-11-23", "in_force", TerminationState.SUSPENDED, 4, True),
        ("2020-11-23", "in_force", TerminationState.SUSPENDED, 5, True),
        ("2021-11-23", "in_force", TerminationState.SUSPENDED, 6, True),
        ("2022-11-23", "in_force", TerminationState.SUSPENDED, 7, True),
        ("2023-03-21", "in_force", None, 7, False),
        ("2023-11-23", "in_force", None, 8, True),
    ]


def test_intervals_name_the_events_that_began_them() -> None:
    notice = next(r for r in HISTORY if isinstance(r.event, TerminationNotified))

    intervals = timeline(HISTORY, date(2019, 1, 1), date(2019, 12, 31))

    pending = next(i for i in intervals if i.termination is TerminationState.PENDING)
    assert pending.changed_by == (notice.event_id,)
    assert (pending.starts_on, pending.ends_on) == (date(2019, 8, 23), date(2019, 11, 21))


def test_a_notice_taking_effect_is_a_derived_change() -> None:
    history = gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"})

    last = timeline(history, date(2019, 1, 1), date(2021, 1, 1))[-1]

    assert (last.starts_on, last.phase, last.derived, last.changed_by) == (
        date(2019, 11, 23),
        Phase.TERMINATED,
        True,
        (),
    )


def test_a_one_day_timeline_is_one_interval() -> None:
    intervals = timeline(HISTORY, date(2019, 11, 22), date(2019, 11, 22))

    assert len(intervals) == 1
    assert intervals[0].termination is TerminationState.SUSPENDED


@st.composite
def hypothetical_histories(draw: st.DrawFn) -> list:  # type: ignore[type-arg]
    """An agreement with random terms, maybe a notice, maybe suspended and/or withdrawn."""
    terms = Terms(
        initial_term_months=draw(st.integers(1, 36)),
        renewal_term_months=draw(st.none() | st.integers(1, 36)),
        notice_days=draw(st.integers(0, 400)),
    )
    start = draw(st.dates(date(2000, 1, 1), date(2010, 12, 31)))
    events = in_force_from(start, terms)
    if draw(st.booleans()):
        notified_on = draw(st.dates(start, start + timedelta(days=2000)))
        events.append(TerminationNotified(occurred_on=notified_on, notified_by="A"))
        later = st.dates(notified_on, notified_on + timedelta(days=500))
        if draw(st.booleans()):
            events.append(TerminationNoticeSuspended(occurred_on=draw(later), suspended_by="A"))
        if draw(st.booleans()):
            events.append(TerminationNoticeWithdrawn(occurred_on=draw(later), withdrawn_by="A"))
    history = recorded(events)
    try:
        check_history(history)
    except RuleViolation:
        return recorded(in_force_from(start, terms))
    return history


@settings(max_examples=150, deadline=None)
@given(history=hypothetical_histories(), offsets=st.lists(st.integers(0, 4000), min_size=1, max_size=10))
def test_timeline_agrees_with_replay_on_every_day(history: list, offsets: list[int]) -> None:  # type: ignore[type-arg]
    start, end = date(1999, 6, 1), date(2021, 12, 31)

    intervals = timeline(history, start, end)

    assert intervals[0].starts_on == start and intervals[-1].ends_on == end
    for before, after in zip(intervals, intervals[1:], strict=False):
        assert after.starts_on == before.ends_on + timedelta(days=1)
        assert (before.phase, before.termination, before.term) != (after.phase, after.termination, after.term)
    for offset in offsets:
        day = min(start + timedelta(days=offset * 2), end)
        interval = next(i for i in intervals if i.starts_on <= day <= i.ends_on)
        status = replay(history, day)
        assert interval.phase is status.phase
        assert interval.termination == (status.termination.state if status.termination else None)
        assert interval.term == (status.term.number if status.term else None)


@given(
    start=st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    offset=st.integers(0, 20000),
    initial=st.integers(1, 60),
    renewal=st.integers(1, 60),
)
def test_every_day_after_entry_into_force_lies_in_exactly_one_term(
    start: date, offset: int, initial: int, renewal: int
) -> None:
    terms = Terms(initial_term_months=initial, renewal_term_months=renewal)
    day = start + timedelta(days=offset)

    term = term_on(terms, start, day)
    following = term_on(terms, start, term.ends_on + timedelta(days=1)) if term else None

    assert term is not None and term.started_on <= day <= term.ends_on
    assert following is not None and following.number == term.number + 1
