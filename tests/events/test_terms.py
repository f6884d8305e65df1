from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.record.terms import (
    Terms,
    earliest_notice_on,
    notice_deadline,
    notice_effective_on,
    period_end,
    term_on,
    term_starts_between,
)

GSOMIA = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90)
START = date(2016, 11, 23)


@pytest.mark.parametrize(
    ("day", "number", "started_on", "ends_on"),
    [
        (date(2016, 11, 23), 1, date(2016, 11, 23), date(2017, 11, 22)),
        (date(2017, 11, 22), 1, date(2016, 11, 23), date(2017, 11, 22)),
        (date(2017, 11, 23), 2, date(2017, 11, 23), date(2018, 11, 22)),
        (date(2019, 11, 22), 3, date(2018, 11, 23), date(2019, 11, 22)),
        (date(2019, 11, 23), 4, date(2019, 11, 23), date(2020, 11, 22)),
        (date(2026, 11, 22), 10, date(2025, 11, 23), date(2026, 11, 22)),
    ],
)
def test_gsomia_terms_run_from_nov_23_to_nov_22(day: date, number: int, started_on: date, ends_on: date) -> None:
    term = term_on(GSOMIA, START, day)

    assert term is not None
    assert (term.number, term.started_on, term.ends_on) == (number, started_on, ends_on)


def test_there_is_no_term_before_entry_into_force() -> None:
    assert term_on(GSOMIA, START, date(2016, 11, 22)) is None


def test_a_notice_on_the_deadline_ends_the_agreement_after_the_current_term() -> None:
    assert notice_effective_on(GSOMIA, START, date(2019, 8, 24)) == date(2019, 11, 23)


def test_a_notice_a_day_after_the_deadline_ends_it_a_term_later() -> None:
    assert notice_effective_on(GSOMIA, START, date(2019, 8, 25)) == date(2020, 11, 23)


def test_a_period_in_months_ends_as_both_civil_codes_say() -> None:
    # The day before the corresponding day of the last month; without one, that month's last day.
    assert period_end(date(2016, 11, 23), 12) == date(2017, 11, 22)
    assert period_end(date(2020, 2, 29), 12) == date(2021, 2, 28)
    assert period_end(date(2016, 3, 31), 6) == date(2016, 9, 30)
    assert period_end(date(2021, 1, 30), 1) == date(2021, 2, 28)
    assert period_end(date(2024, 1, 30), 1) == date(2024, 2, 29)
    assert period_end(date(2021, 1, 1), 1) == date(2021, 1, 31)
    assert period_end(date(2024, 3, 1), 12) == date(2025, 2, 28)


def terms_of(terms: Terms, start: date, count: int) -> list[tuple[date, date]]:
    """The first ``count`` terms, as (first day, last day)."""
    found, day = [], start
    for _ in range(count):
        term = term_on(terms, start, day)
        assert term is not None
        found.append((term.started_on, term.ends_on))
        day = term.ends_on + timedelta(days=1)
    return found


def test_a_leap_day_start_through_five_terms_and_a_notice() -> None:
    leap = date(2020, 2, 29)

    assert terms_of(GSOMIA, leap, 5) == [
        (date(2020, 2, 29), date(2021, 2, 28)),
        (date(2021, 3, 1), date(2022, 2, 28)),
        (date(2022, 3, 1), date(2023, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 28)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # back to the leap day
    ]
    fifth = term_on(GSOMIA, leap, date(2024, 6, 1))
    assert fifth is not None and notice_deadline(GSOMIA, leap, fifth) == date(2024, 11, 30)
    assert notice_effective_on(GSOMIA, leap, date(2024, 11, 30)) == date(2025, 3, 1)
    assert notice_effective_on(GSOMIA, leap, date(2024, 12, 1)) == date(2026, 3, 1)
    assert term_starts_between(GSOMIA, leap, date(2020, 3, 1), date(2028, 12, 31)) == [
        date(2021, 3, 1), date(2022, 3, 1), date(2023, 3, 1), date(2024, 2, 29),
        date(2025, 3, 1), date(2026, 3, 1), date(2027, 3, 1), date(2028, 2, 29),
    ]  # fmt: skip


def test_six_month_terms_from_the_31st_end_on_the_last_day_of_a_shorter_month() -> None:
    half_years = Terms(initial_term_months=6, renewal_term_months=6, notice_days=30)

    assert terms_of(half_years, date(2016, 3, 31), 4) == [
        (date(2016, 3, 31), date(2016, 9, 30)),
        (date(2016, 10, 1), date(2017, 3, 30)),
        (date(2017, 3, 31), date(2017, 9, 30)),
        (date(2017, 10, 1), date(2018, 3, 30)),
    ]


def test_monthly_terms_from_the_30th_end_on_the_last_day_of_february_and_come_back() -> None:
    monthly = Terms(initial_term_months=1, renewal_term_months=1, notice_days=10)

    assert terms_of(monthly, date(2021, 1, 30), 4) == [
        (date(2021, 1, 30), date(2021, 2, 28)),
        (date(2021, 3, 1), date(2021, 3, 29)),
        (date(2021, 3, 30), date(2021, 4, 29)),
        (date(2021, 4, 30), date(2021, 5, 29)),
    ]
    assert term_starts_between(monthly, date(2021, 1, 31), date(2021, 2, 1), date(2021, 5, 31)) == [
        date(2021, 3, 1), date(2021, 3, 31), date(2021, 5, 1), date(2021, 5, 31),
    ]  # fmt: skip


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    initial=st.integers(1, 120),
    renewal=st.integers(1, 120),
    count=st.integers(2, 30),
)
def test_every_term_begins_the_day_after_the_one_before_ends_and_none_is_empty(
    start: date, initial: int, renewal: int, count: int
) -> None:
    terms = Terms(initial_term_months=initial, renewal_term_months=renewal, notice_days=1)
    found = terms_of(terms, start, count)

    assert found[0][0] == start
    assert all(first <= last for first, last in found)
    assert all(found[n + 1][0] == found[n][1] + timedelta(days=1) for n in range(count - 1))
    # Each term ends as a period of its months counted from entry into force ends.
    assert [last for _, last in found] == [period_end(start, initial + n * renewal) for n in range(count)]


def test_a_term_without_renewal_runs_out() -> None:
    once = Terms(initial_term_months=24, notice_days=30)

    assert term_on(once, START, date(2018, 11, 22)) is not None
    assert term_on(once, START, date(2018, 11, 23)) is None


def test_an_agreement_without_fixed_term_ends_notice_days_after_a_notice() -> None:
    open_ended = Terms(notice_days=180)

    assert notice_effective_on(open_ended, START, date(2020, 1, 1)) == date(2020, 6, 29)


SIX_MONTHS = Terms(initial_term_months=12, renewal_term_months=12, notice_months=6)


def test_six_months_notice_of_a_term_ending_on_the_30th_of_august_is_due_by_the_end_of_february() -> None:
    term = term_on(SIX_MONTHS, date(2000, 8, 31), date(2001, 1, 1))

    assert term is not None and term.ends_on == date(2001, 8, 30)
    assert notice_deadline(SIX_MONTHS, date(2000, 8, 31), term) == date(2001, 2, 28)
    assert notice_effective_on(SIX_MONTHS, date(2000, 8, 31), date(2001, 2, 28)) == date(2001, 8, 31)
    assert notice_effective_on(SIX_MONTHS, date(2000, 8, 31), date(2001, 3, 1)) == date(2002, 8, 31)


def test_six_months_notice_from_the_31st_runs_to_the_last_day_of_the_shorter_month() -> None:
    open_ended = Terms(notice_months=6)

    assert notice_effective_on(open_ended, START, date(2020, 8, 31)) == date(2021, 3, 1)
    assert notice_effective_on(open_ended, START, date(2019, 8, 31)) == date(2020, 3, 1)
    assert notice_effective_on(open_ended, START, date(2020, 8, 15)) == date(2021, 2, 15)


def test_six_months_notice_may_begin_on_any_day_whose_six_months_end_by_the_terms_last_day() -> None:
    # A year from 29 February 2020 ends on 28 February 2021; six months from 29 August to
    # 1 September 2020 all end that day, from 2 September on 1 March.
    term = term_on(SIX_MONTHS, date(2020, 2, 29), date(2020, 6, 1))

    assert term is not None and term.ends_on == date(2021, 2, 28)
    assert notice_deadline(SIX_MONTHS, date(2020, 2, 29), term) == date(2020, 9, 1)
    assert notice_effective_on(SIX_MONTHS, date(2020, 2, 29), date(2020, 9, 1)) == date(2021, 3, 1)
    assert notice_effective_on(SIX_MONTHS, date(2020, 2, 29), date(2020, 9, 2)) == date(2022, 3, 1)


def test_a_deadline_before_the_earliest_notice_day_is_no_deadline() -> None:
    terms = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90, earliest_notice_months=18)
    first, second = term_on(terms, START, START), term_on(terms, START, date(2018, 1, 1))

    assert first is not None and second is not None
    assert notice_deadline(terms, START, first) is None  # 2017-08-24, before 2018-05-23
    assert notice_deadline(terms, START, second) == date(2018, 8, 24)
    assert earliest_notice_on(terms, START) == date(2018, 5, 23)
    assert earliest_notice_on(terms, date(2020, 8, 31)) == date(2022, 3, 1)  # 18 months run to 28 February
