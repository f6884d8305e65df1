"""Deadlines follow from the replay: notice deadlines, term ends, and a notice's effect."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from events import Recorded, Terms
from events.record.types import TerminationNotified
from events.replay.deadlines import Deadline, DeadlineKind, deadlines
from tests.events.histories import gsomia, in_force_from, recorded

NOTICE, END, EFFECTIVE = DeadlineKind.NOTICE_DEADLINE, DeadlineKind.TERM_END, DeadlineKind.TERMINATION_EFFECTIVE
AFTER_THE_NOTICE = ("termination_notice_suspended", "termination_notice_withdrawn")
# The real history, the notice never suspended, and no notice at all.
WHAT_IFS = [(), AFTER_THE_NOTICE, ("termination_notified", *AFTER_THE_NOTICE)]


def test_gsomia_2019_has_its_notice_deadline_and_term_end_but_no_effect_of_the_suspended_notice() -> None:
    assert deadlines(gsomia(), date(2019, 1, 1), date(2019, 12, 31)) == [
        Deadline(date(2019, 8, 24), NOTICE, 3),
        Deadline(date(2019, 11, 22), END, 3),
    ]


def test_had_the_notice_not_been_suspended_it_would_have_taken_effect_and_no_term_followed() -> None:
    history = gsomia(without=AFTER_THE_NOTICE)

    assert deadlines(history, date(2019, 1, 1), date(2021, 12, 31)) == [
        Deadline(date(2019, 8, 24), NOTICE, 3),
        Deadline(date(2019, 11, 22), END, 3),
        Deadline(date(2019, 11, 23), EFFECTIVE, 3),
    ]


def test_renewed_terms_keep_their_deadlines_year_after_year() -> None:
    found = deadlines(gsomia(), date(2023, 1, 1), date(2025, 12, 31))

    assert [(d.on, d.kind) for d in found] == [
        (date(2023, 8, 24), NOTICE),
        (date(2023, 11, 22), END),
        (date(2024, 8, 24), NOTICE),
        (date(2024, 11, 22), END),
        (date(2025, 8, 24), NOTICE),
        (date(2025, 11, 22), END),
    ]
    assert [d.term for d in found] == [7, 7, 8, 8, 9, 9]


def test_before_entry_into_force_there_is_nothing_to_watch() -> None:
    assert deadlines(gsomia(), date(2010, 1, 1), date(2016, 11, 22)) == []


@given(
    start=st.dates(date(2012, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 3 * 366),
    without=st.sampled_from(WHAT_IFS),
)
def test_deadlines_lie_in_the_range_in_order_and_agree_with_the_status(
    start: date, days: int, without: tuple[str, ...]
) -> None:
    from events import replay

    history = gsomia(without=without)
    end = start + timedelta(days=days)
    found = deadlines(history, start, end)

    assert found == sorted(found) and all(start <= d.on <= end for d in found)
    for deadline in found:
        status = replay(history, deadline.on)
        if deadline.kind is END:
            assert status.term is not None and status.term.ends_on == deadline.on
        if deadline.kind is NOTICE:
            assert status.term is not None and status.term.notice_deadline == deadline.on
        if deadline.kind is EFFECTIVE:
            assert status.phase.value == "terminated"


def late_notice(terms: Terms | None = None) -> list[Recorded]:
    """In force from 2000-01-01 (yearly terms, 90 days' notice, unless ``terms``), notice
    given on 2000-11-15: after term 1's notice deadline (2000-10-02)."""
    notice = TerminationNotified(occurred_on=date(2000, 11, 15), notified_by="A")
    return recorded([*in_force_from(date(2000, 1, 1), terms), notice])


def test_a_late_notice_takes_effect_once_at_the_end_of_the_next_term() -> None:
    found = deadlines(late_notice(), date(2000, 1, 1), date(2002, 12, 31))

    assert [d for d in found if d.kind is EFFECTIVE] == [Deadline(date(2002, 1, 1), EFFECTIVE, 2)]
    assert len(found) == len(set((d.on, d.kind) for d in found))


def test_a_notice_taking_effect_on_the_first_day_of_the_range_is_listed() -> None:
    history = gsomia(without=AFTER_THE_NOTICE)

    assert deadlines(history, date(2019, 11, 23), date(2019, 12, 31)) == [Deadline(date(2019, 11, 23), EFFECTIVE, 3)]


def test_without_fixed_terms_a_pending_notice_still_has_its_day() -> None:
    history = late_notice(Terms(notice_days=90))

    assert deadlines(history, date(2000, 1, 1), date(2002, 12, 31)) == [Deadline(date(2001, 2, 13), EFFECTIVE, None)]
