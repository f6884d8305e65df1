"""The real history, checked at the boundaries pinned down in the facts file (§0)."""

from datetime import UTC, date, datetime

import pytest

from events import Phase, replay
from events.rules.state import TerminationState
from tests.events.histories import gsomia

HISTORY = gsomia()


@pytest.mark.parametrize(
    ("on", "phase", "since"),
    [
        (date(2011, 1, 9), Phase.UNKNOWN, None),
        (date(2011, 1, 10), Phase.NEGOTIATING, date(2011, 1, 10)),
        (date(2012, 4, 23), Phase.INITIALED, date(2012, 4, 23)),
        (date(2012, 6, 28), Phase.INITIALED, date(2012, 4, 23)),
        (date(2012, 6, 29), Phase.STALLED, date(2012, 6, 29)),
        (date(2016, 10, 26), Phase.STALLED, date(2012, 6, 29)),
        (date(2016, 10, 27), Phase.NEGOTIATING, date(2016, 10, 27)),
        (date(2016, 11, 14), Phase.INITIALED, date(2016, 11, 14)),
        (date(2016, 11, 22), Phase.INITIALED, date(2016, 11, 14)),
        (date(2016, 11, 23), Phase.IN_FORCE, date(2016, 11, 23)),
        (date(2019, 11, 23), Phase.IN_FORCE, date(2016, 11, 23)),
        (date(2026, 11, 22), Phase.IN_FORCE, date(2016, 11, 23)),
    ],
)
def test_phase_on_each_milestone(on: date, phase: Phase, since: date | None) -> None:
    status = replay(HISTORY, on)

    assert (status.phase, status.since) == (phase, since)


def test_before_the_2019_notice_there_is_no_termination_and_term_3_runs() -> None:
    status = replay(HISTORY, date(2019, 8, 22))

    assert status.termination is None
    assert status.term is not None
    assert (status.term.number, status.term.started_on, status.term.ends_on) == (
        3,
        date(2018, 11, 23),
        date(2019, 11, 22),
    )
    assert status.term.notice_deadline == date(2019, 8, 24)


@pytest.mark.parametrize("on", [date(2019, 8, 23), date(2019, 9, 1), date(2019, 11, 21)])
def test_the_2019_notice_is_pending_with_effect_on_nov_23(on: date) -> None:
    status = replay(HISTORY, on)

    assert status.phase is Phase.IN_FORCE
    assert status.termination is not None
    assert status.termination.state is TerminationState.PENDING
    assert status.termination.notified_on == date(2019, 8, 23)
    assert status.termination.notified_by == "Republic of Korea"
    assert status.termination.effective_on == date(2019, 11, 23)


def test_on_nov_22_2019_the_notice_is_suspended_and_the_pact_stays_in_force() -> None:
    status = replay(HISTORY, date(2019, 11, 22))

    assert status.phase is Phase.IN_FORCE
    assert status.termination is not None
    assert status.termination.state is TerminationState.SUSPENDED
    assert status.termination.suspended_on == date(2019, 11, 22)
    assert status.termination.conditional is True


@pytest.mark.parametrize(("on", "term"), [(date(2019, 11, 23), 4), (date(2021, 6, 1), 5), (date(2023, 3, 20), 7)])
def test_while_suspended_terms_are_computed_but_renewal_is_disputed(on: date, term: int) -> None:
    status = replay(HISTORY, on)

    assert status.termination is not None and status.termination.state is TerminationState.SUSPENDED
    assert status.term is not None
    assert status.term.number == term
    assert status.term.renewal_disputed is True


def test_from_march_21_2023_the_pact_is_plainly_in_force() -> None:
    status = replay(HISTORY, date(2023, 3, 21))

    assert status.phase is Phase.IN_FORCE
    assert status.termination is None
    assert status.term is not None and status.term.renewal_disputed is False


def test_based_on_names_registration_signature_entry_into_force_notice_and_suspension() -> None:
    by_type = {type(r.event).__name__: r.event_id for r in HISTORY}
    held = [r for r in HISTORY if type(r.event).__name__ == "ReadingHeld"]
    readings = [r.event_id for r in sorted(held, key=lambda r: r.event.held_by)]  # type: ignore[attr-defined]

    status = replay(HISTORY, date(2020, 1, 1))

    assert [r.event_id for r in status.based_on] == [
        by_type["AgreementRegistered"],
        by_type["Signed"],
        by_type["EnteredIntoForce"],
        by_type["TerminationNotified"],
        by_type["TerminationNoticeSuspended"],
        *readings,  # what section 2 of issue 14 adds: each government's reading of the renewal
    ]


def test_known_at_before_anything_was_recorded_knows_nothing() -> None:
    status = replay(HISTORY, date(2020, 1, 1), known_at=datetime(2025, 1, 1, tzinfo=UTC))

    assert status.phase is Phase.UNKNOWN
    assert status.based_on == ()
