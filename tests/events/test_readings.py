"""Each government's reading of a contested fact: GSOMIA's renewal while the 2019 notice
was suspended, read by Japan as running and by the ROK as not applying."""

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from events import Recorded, RuleViolation, check_history, replay, timeline
from events.record.parties import Party
from events.record.types import ReadingHeld, TerminationNoticeSuspended, TerminationNotified
from events.replay.deadlines import DeadlineKind, deadlines
from tests.events.histories import RECORDED_AT, gsomia, in_force_from, recorded

HISTORY = gsomia()
JAPAN, KOREA = Party("JPN", "Japan"), Party("KOR", "Republic of Korea")
SUSPENSION = next(r for r in HISTORY if isinstance(r.event, TerminationNoticeSuspended))


def test_from_no_perspective_the_renewal_is_contested_and_each_reading_listed() -> None:
    status = replay(HISTORY, date(2020, 9, 1))

    assert status.contested is not None and status.contested.fact == "renewal"
    readings = {reading.held_by.id: reading for reading in status.contested.readings}
    assert (readings["JPN"].reading, readings["KOR"].reading) == ("renews", "does_not_apply")
    assert readings["JPN"].term is not None and readings["JPN"].term.number == 4 and readings["KOR"].term is None
    assert status.term is not None and status.term.number == 4 and status.term.renewal_disputed  # the text's, disputed
    assert {readings["JPN"].record.event_id, readings["KOR"].record.event_id} <= {r.event_id for r in status.based_on}
    assert all(reading.record.sources for reading in readings.values())


def test_each_perspective_answers_as_that_government_reads_it() -> None:
    japan, korea = (replay(HISTORY, date(2021, 6, 1), perspective=party) for party in (JAPAN, KOREA))

    assert japan.term is not None and japan.term.number == 5
    assert korea.term is None
    assert japan.contested == korea.contested and japan.contested is not None


@pytest.mark.parametrize("on", [date(2019, 9, 1), date(2019, 11, 21), date(2023, 3, 21), date(2024, 1, 1)])
def test_outside_the_suspension_nothing_is_contested(on: date) -> None:
    status, korean = replay(HISTORY, on), replay(HISTORY, on, perspective=KOREA)

    assert status.contested is None and status == korean


def test_the_timeline_marks_the_contested_interval() -> None:
    plain = timeline(HISTORY, date(2019, 1, 1), date(2023, 12, 31))
    korean = timeline(HISTORY, date(2019, 1, 1), date(2023, 12, 31), perspective=KOREA)

    contested = [(i.starts_on, i.ends_on, i.term) for i in plain if i.contested]
    assert contested[0][:1] == (date(2019, 11, 22),) and contested[-1][1] == date(2023, 3, 20)
    assert [term for *_, term in contested] == [3, 4, 5, 6, 7]
    assert [(i.starts_on, i.ends_on, i.term) for i in korean if i.contested] == [
        (date(2019, 11, 22), date(2023, 3, 20), None)
    ]


def test_deadlines_only_one_reading_has_say_whose() -> None:
    plain = deadlines(HISTORY, date(2020, 1, 1), date(2023, 12, 31))
    korean = deadlines(HISTORY, date(2020, 1, 1), date(2023, 12, 31), perspective=KOREA)
    japanese = deadlines(HISTORY, date(2020, 1, 1), date(2023, 12, 31), perspective=JAPAN)

    notices = {d.on: d.held_by for d in plain if d.kind is DeadlineKind.NOTICE_DEADLINE}
    assert notices == {
        date(2020, 8, 24): ("JPN",),
        date(2021, 8, 24): ("JPN",),
        date(2022, 8, 24): ("JPN",),
        date(2023, 8, 24): (),
    }
    assert [d.on for d in korean] == [date(2023, 8, 24), date(2023, 11, 22)]
    assert [replace(d, held_by=()) for d in plain] == japanese


def test_what_was_known_before_the_readings_were_recorded_is_not_contested() -> None:
    later = datetime(2027, 1, 1, tzinfo=UTC)
    history = [r if not isinstance(r.event, ReadingHeld) else replace(r, recorded_at=later) for r in HISTORY]

    assert replay(history, date(2020, 9, 1), known_at=RECORDED_AT).contested is None
    assert replay(history, date(2020, 9, 1)).contested is not None


def test_one_reading_alone_contests_nothing() -> None:
    history = [r for r in HISTORY if not (isinstance(r.event, ReadingHeld) and r.event.held_by == "JPN")]

    assert replay(history, date(2020, 9, 1)).contested is None


def with_reading(base: list[Recorded], **payload: object) -> list[Recorded]:
    reading = ReadingHeld(occurred_on=date(2020, 8, 4), **{"fact": "renewal", "reading": "renews", **payload})  # type: ignore[arg-type]
    return [*base, replace(base[-1], event=reading, event_id=uuid4(), version=len(base) + 1)]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"held_by": "USA", "concerns": SUSPENSION.event_id}, "not a party"),
        ({"held_by": "JPN", "concerns": HISTORY[0].event_id}, "no suspension of a notice on record"),
    ],
)
def test_a_reading_is_a_partys_of_a_suspension_on_record(payload: dict[str, object], reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason):
        check_history(with_reading(HISTORY, **payload))


def test_a_reading_concerns_a_suspension_not_a_pending_notice() -> None:
    notice = TerminationNotified(occurred_on=date(2020, 7, 1), notified_by="A")
    history = recorded([*in_force_from(date(2016, 1, 1)), notice])

    with pytest.raises(RuleViolation, match="no suspension"):
        check_history(with_reading(history, held_by="a", concerns=history[-1].event_id))
