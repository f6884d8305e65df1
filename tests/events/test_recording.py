"""A development is recorded once it happened, its whole month or year when it is known only
to that: the rule the API and an import both apply."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from events import Recorded, RuleViolation
from events.record.precision import Precision
from events.record.types import ContextNoted
from events.rules.recording import latest_today, not_yet_happened, require_happened

# 7 December 2026, 09:00 UTC: already the 7th everywhere, and the 7th at UTC+14 until 10:00.
AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "precision", "refused"),
    [
        (date(2026, 12, 7), Precision.DAY, False),
        (date(2026, 12, 8), Precision.DAY, True),
        (date(2026, 11, 1), Precision.MONTH, False),
        (date(2026, 12, 1), Precision.MONTH, True),  # December may still bring it
        (date(2025, 1, 1), Precision.YEAR, False),
        (date(2026, 1, 1), Precision.YEAR, True),
    ],
)
def test_a_window_has_happened_only_once_its_last_day_has(day: date, precision: Precision, refused: bool) -> None:
    reason = not_yet_happened(day, precision, AT)

    assert (reason is not None) == refused
    if refused:
        assert "in the future" in reason  # type: ignore[operator]


def test_today_is_the_latest_day_on_earth() -> None:
    assert latest_today(datetime(2026, 12, 7, 9, 59, tzinfo=UTC)) == date(2026, 12, 7)
    assert latest_today(datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == date(2026, 12, 8)


def test_a_record_not_yet_happened_is_a_rule_violation() -> None:
    record = Recorded(
        event=ContextNoted(occurred_on=date(2026, 12, 1), date_precision=Precision.MONTH),
        event_id=uuid4(),
        stream_id="test-pact",
        version=2,
        recorded_at=AT,
    )

    with pytest.raises(RuleViolation, match="known only to the month, it may have happened as late as 2026-12-31"):
        require_happened(record, AT)
