"""Strict marshmallow fields: a value is what JSON or a query string says, nothing looser.

marshmallow on its own takes ``"yes"`` for true, ``"1"`` and ``1.5``-truncated forms for
integers and ``20190901`` or ``2019-W35-1`` for a date; Python's ``int`` takes ``1_000``
and Arabic-Indic digits. None of that is a mistake a client should get away with, so each
field here accepts one spelling, and every day lies in one documented range.
"""

import re
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

# Every day the service accepts or computes with lies in this range, so term arithmetic
# (terms of up to 100 years, timelines of up to 300) never leaves Python's calendar.
EARLIEST_DAY = date(1000, 1, 1)
LATEST_DAY = date(8999, 12, 31)
# Versions, counts and limits are stored in PostgreSQL integer columns.
MAX_INTEGER = 2**31 - 1

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_DIGITS = re.compile(r"[0-9]{1,10}")


def _in_range(day: date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(f"must be between {EARLIEST_DAY} and {LATEST_DAY}")


class Day(fields.Date):
    """A calendar day written YYYY-MM-DD, within EARLIEST_DAY..LATEST_DAY."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise ValidationError("not a day written YYYY-MM-DD")
        day: date = super()._deserialize(value, attr, data, **kwargs)
        _in_range(day)
        return day


class Instant(fields.AwareDateTime):
    """An instant in ISO 8601 with its offset (YYYY-MM-DDTHH:MM[:SS[.ffffff]]±HH:MM or Z)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not _INSTANT.fullmatch(value):
            raise ValidationError("not an instant like 2024-01-01T00:00:00+09:00 (the offset is required)")
        instant: datetime = super()._deserialize(value, attr, data, **kwargs)
        _in_range(instant.date())
        return instant


class Count(fields.Integer):
    """A JSON integer (not a float, string or boolean) that fits an integer column."""

    def __init__(self, *, minimum: int = 0, maximum: int = MAX_INTEGER, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(min=minimum, max=maximum), **kwargs)


class QueryCount(fields.Integer):
    """An integer in a query string: ASCII digits only, no sign, underscores or spaces."""

    def __init__(self, *, minimum: int = 0, maximum: int = MAX_INTEGER, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(min=minimum, max=maximum), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            raise ValidationError("not a whole number written in digits 0-9")
        return int(value)


class Flag(fields.Boolean):
    """JSON true or false, nothing else."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("not true or false")
        return value
