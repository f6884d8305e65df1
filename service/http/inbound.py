"""Schemas for what clients send: query strings and request bodies.

Unknown fields are rejected (marshmallow's default), so a typo never passes silently.
"""

import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from events import (
    DAY_PATTERN,
    EVENT_TYPES,
    PARTY_ID_PATTERN,
    PAYLOAD_SCHEMAS,
    REVISIONS,
    TYPE_NAMES,
    AgreementRegistered,
    AgreementRegisteredSchema,
    Count,
    Day,
    Instant,
    Matching,
    NewEvent,
    Party,
    Phase,
    Precision,
    QueryCount,
    SourceSchema,
    event_of,
    not_yet_happened,
)
from service import clock
from service.http.problems import InvalidQuery
from service.settings import number
from service.storage.results import AGREEMENT_ID_PATTERN, START, TOKEN_PATTERN, Cursor

# The longest long-poll a client may ask for, in seconds.
MAX_WAIT_SECONDS = int(number("PACT_MAX_WAIT_SECONDS"))

CURSOR_PATTERN = "[0-9]{1,18}-[0-9]{1,18}"
MAX_EVENTS_PER_APPEND = 100
REVISION_TYPES = {TYPE_NAMES[cls] for cls in REVISIONS}
# What an append may carry: every type but the registration, which POST /agreements makes.
APPENDABLE_TYPES = sorted(set(EVENT_TYPES) - {TYPE_NAMES[AgreementRegistered]})


def agreement_id(**kwargs: Any) -> Matching:
    """An agreement's id: lower-case letters, digits and '-', 2 to 63 of them."""
    return Matching(AGREEMENT_ID_PATTERN, "lower-case letters, digits and '-', 2 to 63", **kwargs)


def not_in_future(day: date, precision: Precision = Precision.DAY) -> None:
    """The domain's rule that a development is recorded once it happened (not after today
    anywhere on Earth, its whole month or year if it is known only to that), applied to a
    request's day so that the refusal points at the field."""
    reason = not_yet_happened(day, precision, datetime.now(UTC))
    if reason is not None:
        raise ValidationError(reason)


def window_not_in_future(day: date | None, precision: Any, field: str) -> None:
    """``not_in_future`` for a day whose precision is another field, loaded or as sent (a
    value that is no precision counts as the day's own: its schema refuses it); the
    refusal names ``field``."""
    if day is None:
        return
    try:
        known_to = Precision(precision or Precision.DAY)
    except ValueError:
        known_to = Precision.DAY
    try:
        not_in_future(day, known_to)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def known_at() -> Instant:
    """An instant of transaction time; the offset is required so it means one instant only."""
    return Instant(load_default=None)


def description(text: str) -> dict[str, str]:
    """A field's description in the OpenAPI document: what a refusal that crosses fields
    (which JSON Schema cannot state) is about, and what a default means."""
    return {"description": text}


def consistent_with() -> Matching:
    """A write's consistency token, as the Consistency-Token header also carries it."""
    return Matching(
        TOKEN_PATTERN,
        "not a consistency token (a write answer's Consistency-Token, like kr-jp-gsomia.32.1a2b3c)",
        load_default=None,
        metadata=description(
            "a write's `Consistency-Token` (or send it in that header): the answer includes that write. The server"
            " waits up to PACT_CONSISTENCY_WAIT to know it, else asks the database; a token of another agreement"
            " changes nothing"
        ),
    )


def perspective() -> Matching:
    """The party as whom to answer: where the parties read a fact differently, as it reads it."""
    return Matching(
        f"({PARTY_ID_PATTERN})",
        "not a party id (like KOR, or nato)",
        load_default=None,
        metadata=description(
            "a party's id: answer as that party reads a fact the parties contest (a party to the agreement, else"
            " 400); default: the text's reading, with every party's reading beside it"
        ),
    )


def party_of(registration: AgreementRegistered, party_id: str | None) -> Party | None:
    """The perspective's party of the agreement (None when none was asked for)."""
    if party_id is None:
        return None
    party = registration.party(party_id)
    if party is None:
        raise InvalidQuery(ValidationError({"perspective": [f"{party_id!r} is not a party to the agreement"]}))
    return party


class StatusQuery(Schema):
    on = Day(load_default=None)
    known_at = known_at()
    perspective = perspective()
    consistent_with = consistent_with()


class HistoryQuery(Schema):
    on = Day(load_default=None)
    consistent_with = consistent_with()


class TimelineQuery(Schema):
    start = Day(
        data_key="from", load_default=None, metadata=description("the first day; default: the first development")
    )
    end = Day(
        data_key="to",
        load_default=None,
        metadata=description("the last day; default: today where the agreement lives. Not before `from` (else 400)"),
    )
    known_at = known_at()
    perspective = perspective()
    consistent_with = consistent_with()

    @validates_schema
    def ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("must not be before 'from'", "to")


def wait_seconds(cursor: str) -> QueryCount:
    """A long-poll's wait: how long an empty page may be held back for something past ``cursor``."""
    description = (
        f"seconds to hold an empty answer until an event past `{cursor}` is committed (a long-poll); 0: answer"
        " at once. The answer comes as soon as one is, or when the wait ends (the server may end it sooner)"
    )
    return QueryCount(load_default=0, maximum=MAX_WAIT_SECONDS, metadata={"description": description})


class EventsQuery(Schema):
    after_version = QueryCount(load_default=0)
    limit = QueryCount(load_default=100, minimum=1, maximum=1000)
    known_at = known_at()
    wait = wait_seconds("after_version")
    consistent_with = consistent_with()


class CursorField(fields.Field):
    """A feed cursor as the feed hands it out: "<transaction>-<position>", each at most 18
    digits (a bigint holds 18 digits whatever they are; no server reaches 10^18 transactions)."""

    pattern = CURSOR_PATTERN
    _regex = re.compile(CURSOR_PATTERN)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Cursor:
        if not isinstance(value, str) or not self._regex.fullmatch(value):
            raise ValidationError("not a feed cursor like 812-27 (take one from the feed)")
        transaction, position = value.split("-")
        return Cursor(int(transaction), int(position))


CURSOR = CursorField()


class StreamQuery(Schema):
    after = CursorField(load_default=START)


class FeedQuery(StreamQuery):
    limit = QueryCount(load_default=100, minimum=1, maximum=1000)
    wait = wait_seconds("after")


class ListQuery(Schema):
    """A page of agreements: those whose id sorts after ``after``."""

    after = agreement_id(load_default=None)
    limit = QueryCount(load_default=100, minimum=1, maximum=1000)
    phase = fields.String(load_default=None, validate=validate.OneOf([phase.value for phase in Phase]))
    in_force_on = Day(load_default=None)


# The most deadlines one page holds.
DEADLINES_PER_PAGE = 1000


class DeadlineCursorField(fields.Field):
    """Where a page of deadlines ended, as the page hands it out: "<day>~<agreement>~<kind>".
    It is a position in their order, compared as written (a YYYY-MM-DD day sorts as it is
    written), so any value of its shape is one."""

    pattern = f"({DAY_PATTERN})~({AGREEMENT_ID_PATTERN})~([a-z_]{{1,40}})"
    _regex = re.compile(pattern)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[str, str, str]:
        found = self._regex.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise ValidationError("not a deadlines cursor (take next_after from the previous page)")
        return found.group(1), found.group(2), found.group(3)


class DeadlinesQuery(Schema):
    start = Day(data_key="from", load_default=None, metadata=description("the first day; default: today (UTC)"))
    end = Day(
        data_key="to",
        load_default=None,
        metadata=description(
            "the last day; default: a year after `from`. Not before `from`, and at most ten years after it (else 400)"
        ),
    )
    known_at = known_at()
    after = DeadlineCursorField(load_default=None)
    limit = QueryCount(load_default=100, minimum=1, maximum=DEADLINES_PER_PAGE)
    perspective = Matching(
        f"({PARTY_ID_PATTERN})",
        "not a party id (like KOR, or nato)",
        load_default=None,
        metadata=description("a party's id: its agreements' deadlines as it reads a contested fact"),
    )


class CalendarQuery(Schema):
    perspective = perspective()


class MetadataSchema(Schema):
    correlation_id = fields.String(validate=validate.Length(max=200))
    causation_id = fields.String(validate=validate.Length(max=200))


class EventIn(Schema):
    """One event in an append request; its payload is checked by the schema of its type.

    Every event needs at least one source. A correction or retraction may leave out
    ``occurred_on``: it then happened today (UTC).
    """

    id = fields.UUID(load_default=None)
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            APPENDABLE_TYPES, error="one of {choices}; agreements are registered with POST /agreements"
        ),
    )
    occurred_on = Day(
        load_default=None,
        validate=not_in_future,
        metadata=description(
            "the day it happened, not after today (else 422); required but for a correction or retraction, which"
            " then happened today (UTC)"
        ),
    )
    payload = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata=description("the fields of the event's `type` (see the README's table); others are refused (422)"),
    )
    sources = fields.List(fields.Nested(SourceSchema), required=True, validate=validate.Length(min=1, max=50))
    metadata = fields.Nested(MetadataSchema, load_default=dict)

    @validates_schema
    def dated(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("occurred_on") is None and data.get("type") not in REVISION_TYPES:
            raise ValidationError("Missing data for required field.", "occurred_on")

    @validates_schema
    def payload_fits_type(self, data: dict[str, Any], **_: Any) -> None:
        """The payload, loaded by its type's schema, replaces the one sent: ``make`` builds the
        event from it, so a payload is loaded once."""
        schema = PAYLOAD_SCHEMAS.get(data.get("type", ""))
        if schema is None:
            return
        try:
            payload = data["payload"] = schema.load(data.get("payload", {}))
        except ValidationError as error:
            raise ValidationError(error.messages, "payload") from None
        window_not_in_future(data.get("occurred_on"), payload.get("date_precision"), "occurred_on")
        corrected = payload.get("corrected_payload") or {}
        try:
            window_not_in_future(
                payload.get("corrected_occurred_on"), corrected.get("date_precision"), "corrected_occurred_on"
            )
        except ValidationError as error:
            raise ValidationError(error.messages, "payload") from None

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> NewEvent:
        day = data["occurred_on"] or clock.today("UTC")
        return NewEvent(
            event=event_of(data["type"], day, data["payload"]),
            event_id=data["id"] or uuid4(),
            sources=tuple(data["sources"]),
            metadata=data["metadata"],
        )


class AppendRequest(Schema):
    expected_version = Count(
        load_default=None,
        metadata=description(
            "the stream version you read (or send it as If-Match; both given, they must agree, else 400)"
        ),
    )
    events = fields.List(
        fields.Nested(EventIn), required=True, validate=validate.Length(min=1, max=MAX_EVENTS_PER_APPEND)
    )


class RegisterRequest(AgreementRegisteredSchema):
    """The agreement's registration: its id and envelope beside the registration payload."""

    id = agreement_id(required=True)
    event_id = fields.UUID(load_default=None)
    occurred_on = Day(load_default=None, validate=not_in_future)
    sources = fields.List(fields.Nested(SourceSchema), load_default=list, validate=validate.Length(max=50))
    metadata = fields.Nested(MetadataSchema, load_default=dict)

    @validates_schema
    def window_over(self, data: dict[str, Any], **_: Any) -> None:
        window_not_in_future(data.get("occurred_on"), data.get("date_precision"), "occurred_on")
