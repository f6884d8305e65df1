"""Dyads: the spans during which an agreement bound two of its parties, asked of every day
the answer can change on -- and on any day, the same answer as the day's own replay gives
(what GET /relations asks: in force, and in force for each of the two)."""

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from events import DyadPhase, DyadSpan, PartyPhase, Phase, Precision, Recorded, Terms, dyads, party_statuses, replay
from events.record.types import ProvisionalApplicationBegan, TerminationNotified
from events.replay.fold import Replayer
from tests.events.histories import gsomia
from tests.events.test_party_lifecycle import four_bound, story
from tests.events.test_precision import in_force_in_october_2011

TODAY = date(2026, 12, 7)
BOUND = {PartyPhase.IN_FORCE, PartyPhase.WITHDRAWAL_PENDING}


def spans(history: list[Recorded], until: date = TODAY) -> list[tuple[str, str, str, date, date | None]]:
    return [(s.party_a.id, s.party_b.id, s.phase.value, s.starts_on, s.ends_on) for s in dyads(history, until)]


def test_gsomia_has_bound_japan_and_korea_since_it_entered_into_force() -> None:
    (span,) = dyads(gsomia(), TODAY)

    assert (span.party_a.id, span.party_b.id, span.phase) == ("JPN", "KOR", DyadPhase.IN_FORCE)
    assert (span.starts_on, span.starts_precision, span.ends_on, span.ends_precision) == (
        date(2016, 11, 23),
        Precision.DAY,
        None,
        None,
    )
    assert {type(record.event).__name__ for record in span.based_on} >= {"Signed", "EnteredIntoForce"}


def test_had_the_2019_notice_not_been_suspended_the_span_ends_the_day_before_it_took_effect() -> None:
    (span,) = dyads(gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"}), TODAY)

    assert (span.starts_on, span.ends_on, span.ends_precision) == (
        date(2016, 11, 23),
        date(2019, 11, 22),
        Precision.DAY,
    )
    assert "TerminationNotified" in {type(record.event).__name__ for record in span.based_on}


def test_before_it_was_in_force_nothing_bound_them() -> None:
    assert dyads(gsomia(), date(2016, 11, 22)) == []
    assert spans(gsomia(), date(2016, 11, 23)) == [("JPN", "KOR", "in_force", date(2016, 11, 23), None)]


def test_a_withdrawal_taking_effect_by_the_terms_ends_the_withdrawing_partys_pairs_only() -> None:
    history = four_bound(
        Terms(withdrawal_effect_months=12), TerminationNotified(occurred_on=date(2004, 2, 29), notified_by="a")
    )

    found = {(a, b): (start, end) for a, b, _, start, end in spans(history)}

    assert found[("a", "b")] == found[("a", "c")] == found[("a", "d")] == (date(2001, 1, 1), date(2005, 2, 28))
    assert found[("b", "c")] == found[("c", "d")] == (date(2001, 1, 1), None)


def test_a_party_applying_it_provisionally_is_held_with_those_it_binds() -> None:
    history = story(ProvisionalApplicationBegan(occurred_on=date(2001, 2, 1), party="c"))
    allowed = Terms(notice_days=90, provisional_application=True)
    history = [replace(history[0], event=replace(history[0].event, terms=allowed)), *history[1:]]

    assert spans(history) == [
        ("a", "b", "in_force", date(2001, 1, 1), None),
        ("a", "c", "provisionally_applied", date(2001, 2, 1), None),
        ("b", "c", "provisionally_applied", date(2001, 2, 1), None),
    ]


def test_a_start_known_only_to_its_month_is_the_months_first_day_at_month_precision() -> None:
    history = in_force_in_october_2011()
    (span,) = dyads(history, TODAY)

    assert (span.starts_on, span.starts_precision) == (date(2011, 10, 1), Precision.MONTH)


def test_a_span_year_by_year() -> None:
    (span,) = dyads(gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"}), TODAY)

    parts = [(year, part.starts_on, part.ends_on, part.days(TODAY)) for year, part in span.years(TODAY)]

    assert parts == [
        (2016, date(2016, 11, 23), date(2016, 12, 31), 39),
        (2017, date(2017, 1, 1), date(2017, 12, 31), 365),
        (2018, date(2018, 1, 1), date(2018, 12, 31), 365),
        (2019, date(2019, 1, 1), date(2019, 11, 22), 326),
    ]
    assert span.days(TODAY) == sum(days for *_, days in parts)


def test_an_open_span_year_by_year_stays_open_in_its_last_year() -> None:
    (span,) = dyads(gsomia(), TODAY)

    *_, (year, last) = span.years(TODAY)

    assert (year, last.starts_on, last.ends_on, last.days(TODAY)) == (2026, date(2026, 1, 1), None, 341)
    assert span.days(date(2016, 11, 23)) == 1


HISTORIES = {
    "gsomia": gsomia(),
    "gsomia, notice never suspended": gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"}),
    "a withdrawal by the terms": four_bound(
        Terms(withdrawal_effect_months=12), TerminationNotified(occurred_on=date(2004, 2, 29), notified_by="a")
    ),
    "the parties below the minimum": four_bound(
        Terms(notice_days=30, minimum_parties=3),
        TerminationNotified(occurred_on=date(2004, 1, 1), notified_by="a"),
        TerminationNotified(occurred_on=date(2004, 6, 1), notified_by="b"),
    ),
    "in force in October 2011": in_force_in_october_2011(),
}
FIRST, LAST = date(1999, 1, 1), date(2026, 12, 7)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(HISTORIES)), st.integers(0, (LAST - FIRST).days))
def test_on_any_day_the_spans_say_what_that_days_replay_says(name: str, offset: int) -> None:
    history, day = HISTORIES[name], FIRST + timedelta(days=offset)
    status = replay(history, day)
    parties = {found.party.id: found.status for found in party_statuses(Replayer(history), day)}
    covering = {
        (span.party_a.id, span.party_b.id): span
        for span in dyads(history, LAST)
        if span.starts_on <= day <= (span.ends_on or LAST)
    }

    for a, b in combinations(sorted(parties), 2):
        bound = status.phase is Phase.IN_FORCE and parties[a] in BOUND and parties[b] in BOUND
        span: DyadSpan | None = covering.get((a, b))
        if status.phase is Phase.UNCERTAIN:  # counted in a span only at an end known to its month
            assert span is None or Precision.MONTH in (span.starts_precision, span.ends_precision)
        else:
            assert bound == (span is not None and span.phase is DyadPhase.IN_FORCE), (a, b)
