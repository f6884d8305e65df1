"""How well an event's day is known: to the day, or only to its month or year.

Some agreements are known only as "in force Oct 2011". Such an event is dated the first
day of its month (or year) and says so; it happened on some day up to the last day of that
month (or year), and a status asked of a day in between is uncertain, not guessed.
"""

import calendar
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def first_day(day: date, precision: Precision) -> date:
    """The day an event known to ``precision`` is dated: the first of its month or year."""
    if precision is Precision.YEAR:
        return day.replace(month=1, day=1)
    if precision is Precision.MONTH:
        return day.replace(day=1)
    return day


def last_day(day: date, precision: Precision) -> date:
    """The last day an event dated ``day`` to ``precision`` may have happened on."""
    if precision is Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision is Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day
