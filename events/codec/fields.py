r"""Strict marshmallow fields: a value is what JSON or a query string says, nothing looser.

marshmallow on its own takes ``"yes"`` for true, ``"1"`` and ``1.5``-truncated forms for
integers and ``20190901`` or ``2019-W35-1`` for a date; Python's ``int`` takes ``1_000``
and Arabic-Indic digits. None of that is a mistake a client should get away with, so each
field here accepts one spelling, and every day lies in one documented range.

A string field's spelling is a regular expression written in the syntax Python and
ECMA-262 -- the dialect of JSON Schema, hence of every OpenAPI validator -- read alike
(character classes, groups and quantifiers; no ``\Z``, named groups or flags), without
anchors: the field matches it whole (``fullmatch``), and the OpenAPI document states it as
``^pattern$`` (``pattern`` on the field). So a client's validator and the service agree on
every value.
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

# The years of EARLIEST_DAY..LATEST_DAY, as a pattern: 1000 to 8999.
_YEAR = f"[{EARLIEST_DAY.year // 1000}-{LATEST_DAY.year // 1000}][0-9]{{3}}"
DAY_PATTERN = f"{_YEAR}-[0-9]{{2}}-[0-9]{{2}}"
# A time of day and an offset as RFC 3339 writes them: hours 00-23, minutes and seconds
# 00-59 (no leap second, which Python cannot hold), an offset of at most 23:59 either way.
_HOUR, _SIXTY = "([01][0-9]|2[0-3])", "[0-5][0-9]"
INSTANT_PATTERN = rf"{DAY_PATTERN}T{_HOUR}:{_SIXTY}(:{_SIXTY}(\.[0-9]{{1,6}})?)?(Z|[+-]{_HOUR}:{_SIXTY})"
# An http(s) address: a host name or address (and port), then anything without white space.
WEB_ADDRESS_PATTERN = r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][^\s]*)?"
_DIGITS = re.compile(r"[0-9]{1,10}")
# Text PostgreSQL can store, as every other string field of the document says: no NUL and
# no unpaired surrogate (what service/http/requests.py refuses in any string of a body). Two patterns
# rather than one class, which some generators (schemathesis) misread.
STORABLE_TEXT_PATTERNS = (r"[^\x00]*", r"[^\ud800-\udfff]*")


def _in_range(day: date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(f"must be between {EARLIEST_DAY} and {LATEST_DAY}")


class Matching(fields.String):
    """A string that matches ``pattern`` whole (see the module's note on patterns)."""

    def __init__(self, pattern: str, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pattern, self.error, self._regex = pattern, error, re.compile(pattern)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if not self._regex.fullmatch(text):
            raise ValidationError(self.error)
        return text


def web_address(**kwargs: Any) -> Matching:
    """An http(s) URL of at most 2,000 characters."""
    return Matching(
        WEB_ADDRESS_PATTERN,
        "not an http(s) URL",
        validate=validate.Length(max=2000),
        metadata={"format": "uri"},
        **kwargs,
    )


class Day(fields.Date):
    """A calendar day written YYYY-MM-DD, within EARLIEST_DAY..LATEST_DAY."""

    pattern = DAY_PATTERN
    _regex = re.compile(DAY_PATTERN)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not self._regex.fullmatch(value):
            raise ValidationError(f"not a day written YYYY-MM-DD between {EARLIEST_DAY} and {LATEST_DAY}")
        day: date = super()._deserialize(value, attr, data, **kwargs)
        _in_range(day)
        return day


class Instant(fields.AwareDateTime):
    """An instant in ISO 8601 with its offset (YYYY-MM-DDTHH:MM[:SS[.ffffff]]±HH:MM or Z)."""

    pattern = INSTANT_PATTERN
    _regex = re.compile(INSTANT_PATTERN)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not self._regex.fullmatch(value):
            raise ValidationError(
                f"not an instant like 2024-01-01T00:00:00+09:00 in the years {EARLIEST_DAY.year} to"
                f" {LATEST_DAY.year}: hours 00-23, minutes and seconds 00-59, and the offset required, Z or"
                " +HH:MM / -HH:MM up to 23:59"
            )
        instant: datetime = super()._deserialize(value, attr, data, **kwargs)
        _in_range(instant.date())
        return instant


class Count(fields.Integer):
    """A JSON integer that fits an integer column: not a string or boolean, nor a number with
    a fraction -- though ``3.0`` is 3, as JSON Schema counts integers."""

    def __init__(self, *, minimum: int = 0, maximum: int = MAX_INTEGER, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(min=minimum, max=maximum), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


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
