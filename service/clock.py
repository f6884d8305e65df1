"""What "today" is, for every answer that defaults to it.

Today is the real day where the agreement lives (GSOMIA's days are Seoul days) -- unless
PACT_TODAY, read once at start, fixes one day for every zone, so that an integration
test's expected answers do not change with the calendar. A fixed day moves every "today"
default: the day of a status and of an agreement's answer, the /agreements filters, the
coming year of /deadlines and the calendar, a default ``occurred_on``, the pages. Nothing
else moves: ``recorded_at`` is the database's clock, "known at" is real time, and an event
still may not be dated after the real today.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import ValidationError

from events import Day


class ClockSettingError(ValueError):
    """PACT_TODAY is set to something that is not a day: refused at start, not guessed at."""


@dataclass(frozen=True)
class Clock:
    fixed: date | None = None

    @classmethod
    def from_setting(cls, setting: object) -> "Clock":
        """The clock PACT_TODAY asks for: unset or empty means the real one. Flask reads
        ``PACT_TODAY=20240115`` as the number 20240115, which is refused like any other
        spelling but YYYY-MM-DD."""
        if setting is None or setting == "":
            return cls()
        try:
            return cls(Day().deserialize(setting if isinstance(setting, str) else str(setting)))
        except ValidationError as error:
            messages = "; ".join(str(message).rstrip(".") for message in error.messages)
            raise ClockSettingError(f"PACT_TODAY={setting!r}: {messages}, e.g. PACT_TODAY=2024-06-01") from None

    def today(self, zone: str) -> date:
        """Today in time zone ``zone``, or the fixed day."""
        return self.fixed or datetime.now(ZoneInfo(zone)).date()


def app_clock() -> Clock:
    """The application's clock, made from PACT_TODAY when the app was created."""
    clock: Clock = current_app.extensions["pact_clock"]
    return clock


def today(zone: str) -> date:
    """Today in time zone ``zone`` by the application's clock."""
    return app_clock().today(zone)
