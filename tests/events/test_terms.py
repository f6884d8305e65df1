from datetime import date

import pytest

from events.terms import Terms, earliest_notice_on, notice_deadline, notice_effective_on, term_on, term_starts_between

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


def test_terms_that_start_on_a_leap_day_come_back_to_it_in_leap_years() -> None:
    leap = date(2020, 2, 29)

    starts = term_starts_between(GSOMIA, leap, date(2020, 3, 1), date(2028, 12, 31))

    assert starts == [
        date(2021, 2, 28),
        date(2022, 2, 28),
        date(2023, 2, 28),
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]
    assert term_on(GSOMIA, leap, date(2024, 2, 28)).ends_on == date(2024, 2, 28)  # type: ignore[union-attr]
    assert term_on(GSOMIA, leap, date(2024, 2, 29)).number == 5  # type: ignore[union-attr]


def test_month_end_starts_do_not_drift() -> None:
    monthly = Terms(initial_term_months=1, renewal_term_months=1, notice_days=10)
    start = date(2021, 1, 31)

    assert term_starts_between(monthly, start, date(2021, 2, 1), date(2021, 5, 31)) == [
        date(2021, 2, 28),
        date(2021, 3, 31),
        date(2021, 4, 30),
        date(2021, 5, 31),
    ]


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


def test_six_months_notice_from_the_31st_ends_on_the_last_day_of_the_shorter_month() -> None:
    open_ended = Terms(notice_months=6)

    assert notice_effective_on(open_ended, START, date(2020, 8, 31)) == date(2021, 2, 28)
    assert notice_effective_on(open_ended, START, date(2019, 8, 31)) == date(2020, 2, 29)


def test_a_deadline_before_the_earliest_notice_day_is_no_deadline() -> None:
    terms = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90, earliest_notice_months=18)
    first, second = term_on(terms, START, START), term_on(terms, START, date(2018, 1, 1))

    assert first is not None and second is not None
    assert notice_deadline(terms, START, first) is None  # 2017-08-24, before 2018-05-23
    assert notice_deadline(terms, START, second) == date(2018, 8, 24)
    assert earliest_notice_on(terms, START) == date(2018, 5, 23)
