"""Events as rows of the events table and back: the one place that knows the columns."""

from typing import Any

from psycopg.types.json import Jsonb

from events import NewEvent, Recorded
from events.payloads import SOURCES, decode, encode
from events.types import type_name


def same_event(row: dict[str, Any], stream_id: str, new: NewEvent) -> bool:
    """Same stream, type, day, payload and sources; metadata (correlation ids) may differ on a retry."""
    return (
        row["stream_id"] == stream_id
        and row["event_type"] == type_name(new.event)
        and row["occurred_on"] == new.event.occurred_on
        and row["payload"] == encode(new.event)
        and row["sources"] == SOURCES.dump(new.sources)
    )


def columns(rows: list[tuple[object, ...]]) -> list[list[object]]:
    return [list(column) for column in zip(*rows, strict=True)]


def insert_row(stream_id: str, version: int, new: NewEvent) -> tuple[object, ...]:
    return (
        new.event_id,
        stream_id,
        version,
        type_name(new.event),
        new.event.occurred_on,
        Jsonb(encode(new.event)),
        Jsonb(SOURCES.dump(new.sources)),
        Jsonb(dict(new.metadata)),
    )


def recorded(row: dict[str, Any]) -> Recorded:
    return Recorded(
        event=decode(row["event_type"], row["occurred_on"], row["payload"]),
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        version=row["version"],
        recorded_at=row["recorded_at"],
        sources=tuple(SOURCES.load(row["sources"])),
        metadata=row["metadata"],
        position=row["position"],
    )
