"""What-if histories: the rules must follow from the terms, not from what really happened."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from events import Phase, Recorded, RuleViolation, Terms, check_history, replay
from events.record.types import (
    ContextNoted,
    EnteredIntoForce,
    NegotiationsOpened,
    Signed,
    Terminated,
    TerminationNoticeReactivated,
    TerminationNoticeSuspended,
    TerminationNoticeWithdrawn,
    TerminationNotified,
)
from events.rules.state import TerminationState
from tests.events.histories import gsomia, in_force_from, recorded, registered


def test_without_the_suspension_gsomia_ends_on_nov_23_2019() -> None:
    history = gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"})

    on_the_last_day = replay(history, date(2019, 11, 22))
    the_day_after = replay(history, date(2019, 11, 23))

    assert on_the_last_day.phase is Phase.IN_FORCE
    assert on_the_last_day.termination is not None
    assert the_day_after.phase is Phase.TERMINATED
    assert the_day_after.since == date(2019, 11, 23)
    assert the_day_after.termination is None
    assert the_day_after.term is None


def test_without_the_suspension_the_2023_withdrawal_is_refused() -> None:
    history = gsomia(without={"termination_notice_suspended"})

    with pytest.raises(RuleViolation, match="termination_notice_withdrawn"):
        check_history(history)


def test_a_notice_80_days_before_the_term_end_takes_effect_a_term_later() -> None:
    term_end = date(2019, 11, 22)
    history = recorded(
        [
            *in_force_from(date(2016, 11, 23)),
            TerminationNotified(occurred_on=term_end - timedelta(days=80), notified_by="A"),
        ]
    )

    status = replay(history, date(2019, 11, 23))

    assert status.phase is Phase.IN_FORCE
    assert status.termination is not None
    assert status.termination.effective_on == date(2020, 11, 23)
    assert replay(history, date(2020, 11, 22)).phase is Phase.IN_FORCE
    assert replay(history, date(2020, 11, 23)).phase is Phase.TERMINATED


def test_a_notice_withdrawn_before_it_takes_effect_leaves_the_agreement_in_force() -> None:
    history = recorded(
        [
            *in_force_from(date(2016, 11, 23)),
            TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="B"),
            TerminationNoticeWithdrawn(occurred_on=date(2019, 10, 1), withdrawn_by="B"),
        ]
    )

    status = replay(history, date(2020, 1, 1))

    assert status.phase is Phase.IN_FORCE
    assert status.termination is None
    assert status.term is not None and status.term.number == 4


def test_a_withdrawal_after_the_effective_date_comes_too_late() -> None:
    history = recorded(
        [
            *in_force_from(date(2016, 11, 23)),
            TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="B"),
            TerminationNoticeWithdrawn(occurred_on=date(2019, 11, 23), withdrawn_by="B"),
        ]
    )

    with pytest.raises(RuleViolation, match="terminated"):
        check_history(history)


def test_a_suspended_notice_never_takes_effect_until_lifted() -> None:
    history = recorded(
        [
            *in_force_from(date(2016, 11, 23)),
            TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="A"),
            TerminationNoticeSuspended(occurred_on=date(2019, 11, 1), suspended_by="A"),
        ]
    )

    status = replay(history, date(2030, 1, 1))

    assert status.phase is Phase.IN_FORCE
    assert status.termination is not None and status.termination.state is TerminationState.SUSPENDED


def test_an_agreement_in_force_on_a_leap_day_has_terms_that_return_to_it() -> None:
    history = recorded(in_force_from(date(2020, 2, 29)))

    status = replay(history, date(2024, 2, 29))

    assert status.term is not None
    assert (status.term.number, status.term.started_on, status.term.ends_on) == (
        5,
        date(2024, 2, 29),
        date(2025, 2, 28),
    )
    assert status.term.notice_deadline == date(2024, 11, 30)


def test_a_notice_on_a_leap_day_counts_the_leap_day() -> None:
    terms = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90)
    history = recorded(
        [*in_force_from(date(2019, 5, 29), terms), TerminationNotified(occurred_on=date(2020, 2, 29), notified_by="A")]
    )

    status = replay(history, date(2020, 3, 1))

    assert status.term is not None and status.term.notice_deadline == date(2020, 2, 28)
    assert status.termination is not None and status.termination.effective_on == date(2021, 5, 29)


def test_a_one_term_agreement_expires_without_any_event() -> None:
    history = recorded(in_force_from(date(2020, 1, 1), Terms(initial_term_months=24)))

    assert replay(history, date(2021, 12, 31)).phase is Phase.IN_FORCE
    expired = replay(history, date(2022, 1, 1))
    assert (expired.phase, expired.since) == (Phase.TERMINATED, date(2022, 1, 1))


def test_an_agreement_without_terms_stays_in_force_and_has_no_term() -> None:
    history = recorded(in_force_from(date(2014, 12, 29), Terms()))

    status = replay(history, date(2026, 1, 1))

    assert status.phase is Phase.IN_FORCE
    assert status.term is None


def test_a_non_binding_arrangement_takes_effect_without_signature() -> None:
    history = recorded([registered(Terms(), binding=False), EnteredIntoForce(occurred_on=date(2014, 12, 29))])

    assert replay(history, date(2015, 1, 1)).phase is Phase.IN_FORCE


def test_context_events_change_nothing() -> None:
    base = in_force_from(date(2016, 11, 23))
    with_context = [*base, ContextNoted(occurred_on=date(2018, 1, 1), summary="a statement")]

    assert replay(recorded(with_context), date(2019, 1, 1)).phase == replay(recorded(base), date(2019, 1, 1)).phase


def test_an_explicit_termination_ends_the_agreement_that_day() -> None:
    history = recorded([*in_force_from(date(2016, 11, 23)), Terminated(occurred_on=date(2018, 5, 5))])

    status = replay(history, date(2018, 5, 5))

    assert (status.phase, status.since) == (Phase.TERMINATED, date(2018, 5, 5))


def reactivated_gsomia(on: date, effective_on: date) -> list[Recorded]:
    """GSOMIA as it was until 2022, had the ROK ended the suspension of its notice on ``on``
    instead of withdrawing the notice in 2023."""
    history = [r for r in gsomia(without={"termination_notice_withdrawn"}) if r.event.occurred_on < date(2022, 1, 1)]
    reactivation = TerminationNoticeReactivated(
        occurred_on=on, reactivated_by="Republic of Korea", effective_on=effective_on
    )
    return [*history, replace(history[-1], event=reactivation, event_id=uuid4(), version=len(history) + 1)]


def test_a_reactivated_notice_is_pending_again_and_takes_effect_on_the_day_declared() -> None:
    history = reactivated_gsomia(date(2021, 1, 4), effective_on=date(2021, 2, 1))

    suspended, pending = replay(history, date(2021, 1, 3)), replay(history, date(2021, 1, 4))
    ended = replay(history, date(2021, 2, 1))

    assert suspended.termination is not None and suspended.termination.state is TerminationState.SUSPENDED
    assert suspended.term is not None and suspended.term.renewal_disputed
    assert pending.termination is not None and pending.termination.state is TerminationState.PENDING
    assert pending.termination.effective_on == date(2021, 2, 1)
    assert pending.term is not None and not pending.term.renewal_disputed
    assert {type(r.event) for r in pending.based_on} >= {TerminationNoticeSuspended, TerminationNoticeReactivated}
    assert (ended.phase, ended.since) == (Phase.TERMINATED, date(2021, 2, 1))


def test_japan_may_give_its_own_notice_while_the_korean_one_is_suspended() -> None:
    history = reactivated_gsomia(date(2021, 1, 4), effective_on=date(2021, 2, 1))[:-1]  # no reactivation
    japan = TerminationNotified(occurred_on=date(2020, 5, 1), notified_by="Japan")
    history = [*history, replace(history[-1], event=japan, event_id=uuid4(), version=len(history) + 1)]

    pending, ended = replay(history, date(2020, 11, 22)), replay(history, date(2020, 11, 23))

    assert pending.termination is not None
    assert (pending.termination.notified_by, pending.termination.state) == ("Japan", TerminationState.PENDING)
    assert pending.termination.effective_on == date(2020, 11, 23)  # before term 4's deadline: at its end
    assert {r.event.occurred_on for r in pending.based_on} >= {date(2019, 8, 23), date(2019, 11, 22), date(2020, 5, 1)}
    assert (ended.phase, ended.since) == (Phase.TERMINATED, date(2020, 11, 23))


def test_a_party_acts_only_on_its_own_notice() -> None:
    japan = TerminationNotified(occurred_on=date(2020, 5, 1), notified_by="Japan")
    withdrawn = TerminationNoticeWithdrawn(occurred_on=date(2020, 6, 1), withdrawn_by="Japan")
    base = [r for r in gsomia() if r.event.occurred_on < date(2019, 8, 1)]
    history = recorded([*(r.event for r in base), japan, withdrawn], stream_id="kr-jp-gsomia")

    assert replay(history, date(2020, 7, 1)).termination is None  # Japan withdrew its own
    refused = recorded(
        [*(r.event for r in base), japan, replace(withdrawn, withdrawn_by="Republic of Korea")],
        stream_id="kr-jp-gsomia",
    )
    with pytest.raises(RuleViolation, match="only Japan, who gave the notice"):
        check_history(refused)


def test_a_reactivation_must_take_effect_after_it_is_declared() -> None:
    with pytest.raises(RuleViolation, match="must be after the reactivation"):
        check_history(reactivated_gsomia(date(2021, 1, 4), effective_on=date(2021, 1, 4)))


# Withdrawal "at any time after three years" from entry into force, taking effect a year
# after the notice (the shape of the Paris Agreement's Art. 28).
AFTER_THREE_YEARS = Terms(notice_months=12, earliest_notice_months=36)


def test_a_notice_allowed_only_after_three_years_takes_effect_a_year_later() -> None:
    notice = TerminationNotified(occurred_on=date(2019, 11, 4), notified_by="A")
    history = recorded([*in_force_from(date(2016, 11, 4), AFTER_THREE_YEARS), notice])

    pending, ended = replay(history, date(2020, 11, 3)), replay(history, date(2020, 11, 4))

    assert pending.phase is Phase.IN_FORCE and pending.termination is not None
    assert pending.termination.effective_on == date(2020, 11, 4)
    assert (ended.phase, ended.since) == (Phase.TERMINATED, date(2020, 11, 4))


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([registered(), EnteredIntoForce(occurred_on=date(2016, 1, 1))], "never signed"),
        (
            [*in_force_from(date(2016, 1, 1)), EnteredIntoForce(occurred_on=date(2017, 1, 1))],
            r"already entered into force on 2016-01-01 \(it is in_force\)",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A"),
                TerminationNotified(occurred_on=date(2019, 2, 1), notified_by="A"),
            ],
            "still on record",
        ),
        (
            [*in_force_from(date(2016, 1, 1)), TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="C")],
            "not a party",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNoticeSuspended(occurred_on=date(2019, 1, 1), suspended_by="A"),
            ],
            "no pending",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNoticeWithdrawn(occurred_on=date(2019, 1, 1), withdrawn_by="A"),
            ],
            "no termination notice",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A"),
                TerminationNoticeSuspended(occurred_on=date(2019, 2, 1), suspended_by="B"),
            ],
            "only A",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1), Terms()),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A"),
            ],
            "no notice period",
        ),
        (
            [
                *in_force_from(date(2016, 11, 4), AFTER_THREE_YEARS),
                TerminationNotified(occurred_on=date(2019, 11, 3), notified_by="A"),
            ],
            "no notice may be given before 2019-11-04",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A"),
                TerminationNoticeReactivated(
                    occurred_on=date(2019, 2, 1), reactivated_by="A", effective_on=date(2019, 3, 1)
                ),
            ],
            "not suspended",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                TerminationNotified(occurred_on=date(2019, 1, 1), notified_by="A"),
                TerminationNoticeSuspended(occurred_on=date(2019, 2, 1), suspended_by="A"),
                TerminationNoticeReactivated(
                    occurred_on=date(2019, 3, 1), reactivated_by="B", effective_on=date(2019, 4, 1)
                ),
            ],
            "only A",
        ),
        (
            [
                *in_force_from(date(2016, 1, 1)),
                Terminated(occurred_on=date(2017, 1, 1)),
                Signed(occurred_on=date(2018, 1, 1)),
            ],
            "terminated",
        ),
        (
            [
                registered(),
                NegotiationsOpened(occurred_on=date(2010, 1, 1)),
                NegotiationsOpened(occurred_on=date(2011, 1, 1)),
            ],
            "negotiating",
        ),
        ([registered(), registered()], "registered once"),
    ],
    ids=[
        "entry-into-force-unsigned",
        "entry-into-force-twice",
        "second-notice-while-pending",
        "notice-by-a-stranger",
        "suspension-without-notice",
        "withdrawal-without-notice",
        "suspension-by-the-other-party",
        "notice-without-notice-clause",
        "notice-before-the-earliest-notice-day",
        "reactivation-of-a-pending-notice",
        "reactivation-by-the-other-party",
        "signature-after-termination",
        "negotiations-opened-twice",
        "registered-twice",
    ],
)
def test_the_rules_refuse(events: list, reason: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RuleViolation, match=reason):
        check_history(recorded(events))


def test_nothing_may_precede_the_registration() -> None:
    history = recorded([Signed(occurred_on=date(2016, 1, 1))])

    with pytest.raises(RuleViolation, match="registered before"):
        check_history(history)


def test_an_event_recorded_later_is_invisible_to_earlier_knowledge() -> None:
    early, late = datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)
    history = recorded(in_force_from(date(2016, 11, 23)), at=early) + recorded(
        [TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="A")], at=late
    )
    history[-1] = replace(history[-1], version=4)

    assert replay(history, date(2019, 9, 1), known_at=early).termination is None
    assert replay(history, date(2019, 9, 1), known_at=late).termination is not None
