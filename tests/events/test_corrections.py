"""Corrections and retractions act in transaction time: the classic bitemporal cases."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events import Phase, RuleViolation, Source, check_history, developments, replay
from events.record.types import EventCorrected, EventRetracted, TerminationNotified
from tests.events.histories import Stream, in_force_from

JAN, FEB, MAR, APR = (datetime(2025, month, 1, tzinfo=UTC) for month in (1, 2, 3, 4))
TODAY = date(2025, 2, 1)


def correction(target: object, **changes: object) -> EventCorrected:
    return EventCorrected(occurred_on=TODAY, corrects=target.event_id, reason="a better source", **changes)  # type: ignore[attr-defined, arg-type]


def retraction(target: object) -> EventRetracted:
    return EventRetracted(occurred_on=TODAY, retracts=target.event_id, reason="never happened")  # type: ignore[attr-defined]


@pytest.fixture
def stream() -> Stream:
    """An agreement in force since 2016-11-23, recorded in January."""
    stream = Stream()
    for event in in_force_from(date(2016, 11, 23)):
        stream.add(event, at=JAN)
    return stream


def test_a_corrected_date_changes_the_answer_only_from_the_correction_on(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 30), notified_by="A"), at=JAN)
    stream.add(correction(notice, corrected_occurred_on=date(2019, 8, 23)), at=MAR)

    before = replay(stream.records, date(2019, 9, 1), known_at=FEB)
    after = replay(stream.records, date(2019, 9, 1), known_at=APR)

    assert before.termination is not None and before.termination.effective_on == date(2020, 11, 23)
    assert after.termination is not None and after.termination.effective_on == date(2019, 11, 23)
    assert after.termination.notified_on == date(2019, 8, 23)


def test_a_corrected_date_moves_the_event_in_valid_time(stream: Stream) -> None:
    late = stream.add(TerminationNotified(occurred_on=date(2021, 1, 1), notified_by="A"), at=JAN)
    stream.add(correction(late, corrected_occurred_on=date(2019, 1, 1)), at=MAR)

    assert replay(stream.records, date(2019, 6, 1), known_at=FEB).termination is None
    assert replay(stream.records, date(2019, 6, 1), known_at=APR).termination is not None


def test_a_retracted_event_disappears_only_after_its_retraction(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="A"), at=JAN)
    stream.add(retraction(notice), at=MAR)

    assert replay(stream.records, date(2020, 1, 1), known_at=FEB).phase is Phase.TERMINATED
    assert replay(stream.records, date(2020, 1, 1), known_at=APR).phase is Phase.IN_FORCE


def test_an_event_recorded_late_does_not_change_earlier_knowledge(stream: Stream) -> None:
    stream.add(TerminationNotified(occurred_on=date(2019, 8, 1), notified_by="A"), at=MAR)

    assert replay(stream.records, date(2019, 9, 1), known_at=FEB).termination is None
    assert replay(stream.records, date(2019, 9, 1), known_at=APR).termination is not None


def test_a_correction_of_a_correction_wins_over_the_first(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 30), notified_by="A"), at=JAN)
    first = stream.add(
        correction(notice, corrected_occurred_on=date(2019, 8, 1), corrected_payload={"summary": "x"}), at=FEB
    )
    second = stream.add(correction(first, corrected_occurred_on=date(2019, 8, 23)), at=MAR)

    corrected = next(r for r in developments(stream.records) if r.event_id == notice.event_id)

    assert corrected.event.occurred_on == date(2019, 8, 23)
    assert corrected.event.summary == "x", "fields the second correction does not give stay corrected"
    assert corrected.corrected_by == (first.event_id, second.event_id)


def test_retracting_a_correction_undoes_it(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 30), notified_by="A"), at=JAN)
    wrong = stream.add(correction(notice, corrected_occurred_on=date(2019, 8, 1)), at=FEB)
    stream.add(retraction(wrong), at=MAR)

    corrected = next(r for r in developments(stream.records) if r.event_id == notice.event_id)

    assert corrected.event.occurred_on == date(2019, 8, 30)
    assert corrected.corrected_by == ()


def test_corrected_sources_replace_the_original_ones(stream: Stream) -> None:
    signed = stream.records[1]
    better = (Source(publisher="MOFA", title="The signing"),)
    stream.add(correction(signed, corrected_sources=better), at=FEB)

    assert replay(stream.records, date(2020, 1, 1)).based_on[1].sources == better


def test_a_correction_the_rules_forbid_is_refused(stream: Stream) -> None:
    signed = stream.records[1]
    stream.add(correction(signed, corrected_occurred_on=date(2017, 1, 1)), at=FEB)

    with pytest.raises(RuleViolation, match="signed"):
        check_history(stream.records)


def test_a_corrected_payload_must_fit_the_event_type(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 30), notified_by="A"), at=JAN)
    stream.add(correction(notice, corrected_payload={"notified_by": 7}), at=FEB)

    with pytest.raises(RuleViolation, match="corrected payload is invalid"):
        check_history(stream.records)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda s: correction(s.records[0], corrected_payload={"title": "x"}),
            "registration cannot be corrected in title",
        ),
        (lambda s: correction(s.records[0], corrected_payload={"parties": ["A", "C"], "note": "n"}), "in parties"),
        (lambda s: correction(s.records[0], corrected_occurred_on=TODAY), "cannot be corrected in occurred_on"),
        (lambda s: retraction(s.records[0]), "registration cannot be retracted"),
        (lambda s: correction(s.records[0], corrected_payload={"note": "n", "summary": "s"}), None),
        (lambda s: correction(s.records[0], corrected_sources=(Source(publisher="Gazette"),)), None),
        (lambda s: correction(type("Unknown", (), {"event_id": uuid4()})(), corrected_occurred_on=TODAY), "no earlier"),
        (lambda s: retraction(s.records[-1]), None),
    ],
    ids=[
        "the-registrations-title",
        "the-registrations-parties",
        "the-registrations-day",
        "the-registration-retracted",
        "the-registrations-note",
        "the-registrations-sources",
        "an-unknown-event",
        "a-valid-retraction",
    ],  # fmt: skip
)
def test_what_may_be_corrected(stream: Stream, make, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    stream.add(make(stream), at=FEB)

    if reason is None:
        check_history(stream.records)
    else:
        with pytest.raises(RuleViolation, match=reason):
            check_history(stream.records)


def test_a_retracted_event_cannot_be_corrected_or_retracted_again(stream: Stream) -> None:
    notice = stream.add(TerminationNotified(occurred_on=date(2019, 8, 30), notified_by="A"), at=JAN)
    stream.add(retraction(notice), at=FEB)
    again = Stream()
    again.records = [*stream.records]
    stream.add(correction(notice, corrected_occurred_on=date(2019, 8, 1)), at=MAR)
    again.add(retraction(notice), at=MAR)

    for records in (stream.records, again.records):
        with pytest.raises(RuleViolation, match="was retracted"):
            check_history(records)


@settings(max_examples=100, deadline=None)
@given(
    recorded_day=st.dates(date(2017, 1, 1), date(2022, 12, 31)),
    true_day=st.dates(date(2017, 1, 1), date(2022, 12, 31)),
    on=st.dates(date(2015, 1, 1), date(2025, 12, 31)),
)
def test_a_correction_answers_as_if_the_event_had_been_recorded_right(
    recorded_day: date, true_day: date, on: date
) -> None:
    wrong, right = Stream(), Stream()
    for event in in_force_from(date(2016, 11, 23)):
        wrong.add(event, at=JAN)
        right.add(event, at=JAN)
    notice = wrong.add(TerminationNotified(occurred_on=recorded_day, notified_by="A"), at=FEB)
    wrong.add(correction(notice, corrected_occurred_on=true_day), at=MAR)
    right.add(TerminationNotified(occurred_on=true_day, notified_by="A"), at=FEB)
    wrong.add(retraction(notice), at=APR)

    corrected, as_if_right = replay(wrong.records, on, known_at=MAR), replay(right.records, on)
    retracted, never_notified = replay(wrong.records, on), replay(right.records[:3], on)

    assert (corrected.phase, corrected.since, corrected.termination, corrected.term) == (
        as_if_right.phase,
        as_if_right.since,
        as_if_right.termination,
        as_if_right.term,
    )
    assert (retracted.phase, retracted.termination, retracted.term) == (
        never_notified.phase,
        never_notified.termination,
        never_notified.term,
    )
