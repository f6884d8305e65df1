"""What may be recorded at all, whatever the agreement: a development once it happened.

An event cannot be recorded before the day it happened, anywhere on Earth: its day may not
be after the day its recording instant is where it is latest (UTC+14). One known only to
its month or year may have happened as late as that month's or year's last day, so that
day may not be after it either. The API applies the same rule to a request's days, to
point at the field (service/http/inbound.py); the write path applies it to every event it
is about to store, the ones an import brings included (service/commands.py).
"""

from datetime import date, datetime, timedelta

from events.record.envelope import Recorded
from events.record.precision import Precision, last_day
from events.rules.errors import RuleViolation

# The latest time zone on Earth is this far ahead of UTC.
LATEST_OFFSET = timedelta(hours=14)


def latest_today(at: datetime) -> date:
    """The day it is at ``at`` where it is latest on Earth."""
    return (at + LATEST_OFFSET).date()


def not_yet_happened(day: date, precision: Precision, at: datetime) -> str | None:
    """Why an event dated ``day`` to ``precision`` cannot be recorded at ``at``; None if it can."""
    latest = last_day(day, precision)
    if latest <= latest_today(at):
        return None
    if precision is Precision.DAY:
        return f"{day} is in the future; record developments once they happened"
    return (
        f"known only to the {precision.value}, it may have happened as late as {latest}, which is in the future;"
        f" record it once its {precision.value} is over, or to the day"
    )


def require_happened(record: Recorded, at: datetime) -> None:
    """RuleViolation unless ``record``'s event had happened when it is recorded, at ``at``."""
    reason = not_yet_happened(record.event.occurred_on, record.event.date_precision, at)
    if reason is not None:
        raise RuleViolation(record, reason)
