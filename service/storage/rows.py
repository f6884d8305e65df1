"""Events as rows of the events table and back: the one place that knows the columns.

A row's payload is written in its type's current schema version and read in any version
this release knows, upcast by events/codec/versions.py.
"""

from typing import Any

from marshmallow import ValidationError
from psycopg.types.json import Jsonb

from events import CURRENT, SOURCES, NewEvent, NotUpcastable, Recorded, decode, encode, type_name, upcast


class UnreadableEvent(Exception):
    """A stored event this release cannot read: its payload does not upcast or decode.

    Raised rather than skipped, because a replay that silently dropped an event would
    answer a status the record does not support."""

    def __init__(self, event_id: object, stream_id: str, version: int, reason: str) -> None:
        super().__init__(f"event {event_id} (version {version} of {stream_id!r}) cannot be read: {reason}")
        self.event_id, self.stream_id, self.version, self.reason = event_id, stream_id, version, reason


def same_event(row: dict[str, Any], stream_id: str, new: NewEvent) -> bool:
    """Same stream, type, day, payload and sources, whichever version the row was written in;
    metadata (correlation ids) may differ on a retry."""
    stored = recorded(row)
    return row["stream_id"] == stream_id and stored.event == new.event and row["sources"] == SOURCES.dump(new.sources)


def columns(rows: list[tuple[object, ...]]) -> list[list[object]]:
    return [list(column) for column in zip(*rows, strict=True)]


def insert_row(stream_id: str, version: int, new: NewEvent) -> tuple[object, ...]:
    event_type = type_name(new.event)
    return (
        new.event_id,
        stream_id,
        version,
        event_type,
        CURRENT[event_type],
        new.event.occurred_on,
        Jsonb(encode(new.event)),
        Jsonb(SOURCES.dump(new.sources)),
        Jsonb(dict(new.metadata)),
    )


def recorded(row: dict[str, Any]) -> Recorded:
    """The row as a domain record; UnreadableEvent if this release cannot read its payload."""
    try:
        payload = upcast(row["event_type"], row["schema_version"], row["payload"])
        event = decode(row["event_type"], row["occurred_on"], payload)
    except NotUpcastable as error:
        raise UnreadableEvent(row["event_id"], row["stream_id"], row["version"], str(error)) from None
    except ValidationError as error:
        reason = f"its payload does not fit its type: {error.messages}"
        raise UnreadableEvent(row["event_id"], row["stream_id"], row["version"], reason) from None
    return Recorded(
        event=event,
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        version=row["version"],
        recorded_at=row["recorded_at"],
        sources=tuple(SOURCES.load(row["sources"])),
        metadata=row["metadata"],
        position=row["position"],
    )
