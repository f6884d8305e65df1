"""Days known only to the month or year: such a step is dated its first day, the status on
a day inside it is uncertain rather than guessed, and its precision travels with answers."""

from datetime import date

import pytest

from events import Event, Phase, Recorded, RuleViolation, Terms, check_history, replay, timeline
from events.codec.payloads import decode, encode
from events.record.precision import Precision
from events.record.types import EnteredIntoForce, NegotiationsOpened, Signed, TerminationNotified
from tests.events.histories import in_force_from, recorded, registered

MONTH, YEAR = Precision.MONTH, Precision.YEAR
UNRECORDED = Terms()


def in_force_in_october_2011() -> list[Recorded]:
    """France's agreement with Japan, as the facts file knows it: "in force Oct 2011", signature undated."""
    entry = EnteredIntoForce(occurred_on=date(2011, 10, 1), date_precision=MONTH, signature_unrecorded=True)
    return recorded([registered(UNRECORDED, on=date(2011, 10, 1)), entry])


def test_before_the_month_nothing_is_known_and_inside_it_the_phase_is_uncertain() -> None:
    history = in_force_in_october_2011()

    before, inside, last = (replay(history, day) for day in (date(2011, 9, 30), date(2011, 10, 15), date(2011, 10, 30)))

    assert before.phase is Phase.UNKNOWN
    assert inside == last
    assert (inside.phase, inside.since, inside.term, inside.termination) == (
        Phase.UNCERTAIN,
        date(2011, 10, 1),
        None,
        None,
    )
    assert inside.uncertain is not None
    assert (inside.uncertain.earliest, inside.uncertain.latest) == (date(2011, 10, 1), date(2011, 10, 31))
    assert (inside.uncertain.phase_before, inside.uncertain.phase_after) == (Phase.UNKNOWN, Phase.IN_FORCE)
    assert history[1] in inside.based_on


def test_from_the_months_last_day_it_is_in_force_since_that_month() -> None:
    history = in_force_in_october_2011()

    for day in (date(2011, 10, 31), date(2019, 9, 1)):
        status = replay(history, day)
        assert (status.phase, status.since, status.since_precision) == (Phase.IN_FORCE, date(2011, 10, 1), MONTH)
        assert status.uncertain is None and status.term is None


def test_the_timeline_has_an_uncertain_interval_ended_by_the_step_itself() -> None:
    history = in_force_in_october_2011()

    intervals = timeline(history, date(2011, 1, 1), date(2012, 12, 31))

    assert [(i.starts_on, i.ends_on, i.phase) for i in intervals] == [
        (date(2011, 1, 1), date(2011, 9, 30), Phase.UNKNOWN),
        (date(2011, 10, 1), date(2011, 10, 30), Phase.UNCERTAIN),
        (date(2011, 10, 31), date(2012, 12, 31), Phase.IN_FORCE),
    ]
    assert intervals[1].changed_by == intervals[2].changed_by == (history[1].event_id,)
    assert not intervals[2].derived


def test_a_step_known_to_the_year_is_uncertain_all_year() -> None:
    history = recorded(
        [registered(on=date(2003, 1, 1)), NegotiationsOpened(occurred_on=date(2003, 1, 1), date_precision=YEAR)]
    )

    assert replay(history, date(2003, 12, 30)).phase is Phase.UNCERTAIN
    assert (replay(history, date(2003, 12, 31)).phase, replay(history, date(2003, 12, 31)).since_precision) == (
        Phase.NEGOTIATING,
        YEAR,
    )


def test_a_later_step_known_to_the_day_ends_the_uncertainty() -> None:
    history = recorded(
        [
            registered(UNRECORDED),
            Signed(occurred_on=date(2011, 10, 1), date_precision=MONTH),
            EnteredIntoForce(occurred_on=date(2011, 10, 20)),
        ]
    )

    assert replay(history, date(2011, 10, 10)).phase is Phase.UNCERTAIN
    assert (replay(history, date(2011, 10, 20)).phase, replay(history, date(2011, 10, 20)).since_precision) == (
        Phase.IN_FORCE,
        Precision.DAY,
    )


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        (
            [registered(UNRECORDED), Signed(occurred_on=date(2011, 10, 5), date_precision=MONTH)],
            r"known only to the month is dated its first day \(2011-10-01\)",
        ),
        (
            [registered(UNRECORDED), Signed(occurred_on=date(2011, 3, 1), date_precision=YEAR)],
            r"dated its first day \(2011-01-01\)",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A", date_precision=MONTH),
            ],
            "must be known to the day",
        ),
        (
            [
                registered(),
                Signed(occurred_on=date(2011, 1, 1)),
                EnteredIntoForce(occurred_on=date(2011, 10, 1), date_precision=MONTH),
            ],
            "terms are counted from the day of entry into force",
        ),
        (
            [
                registered(UNRECORDED),
                NegotiationsOpened(occurred_on=date(2011, 1, 1)),
                EnteredIntoForce(occurred_on=date(2011, 10, 1), signature_unrecorded=True),
            ],
            "never signed",
        ),
    ],
)
def test_what_an_imprecise_day_cannot_be(events: list[Event], reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason):
        check_history(recorded(events))


def test_precision_and_unrecorded_terms_round_trip_and_day_precise_payloads_are_stored_as_before() -> None:
    registration = decode(
        "agreement_registered", date(2011, 10, 1), {"title": "T", "parties": ["France", "Japan"], "terms": None}
    )
    entry = decode("entered_into_force", date(2011, 10, 1), {"date_precision": "month", "signature_unrecorded": True})
    plain = decode("entered_into_force", date(2016, 11, 23), {})

    assert registration.terms_recorded is False  # type: ignore[attr-defined]
    assert encode(registration)["terms"] is None
    assert decode("agreement_registered", date(2011, 10, 1), encode(registration)) == registration
    assert encode(entry) == {**encode(plain), "date_precision": "month", "signature_unrecorded": True}
    assert "date_precision" not in encode(plain) and "signature_unrecorded" not in encode(plain)
