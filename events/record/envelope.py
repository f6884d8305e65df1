"""The envelope a recorded event travels in: identity, position in its stream, and sources."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from events.record.sources import Source
from events.record.types import Event


@dataclass(frozen=True, kw_only=True)
class Recorded:
    """An event as stored: ``recorded_at`` is transaction time, ``event.occurred_on`` valid time.

    ``corrected_by`` is empty for an event as stored; the effective view of a stream
    (events/rules/corrections.py) fills it with the corrections applied to the event.
    """

    event: Event
    event_id: UUID
    stream_id: str
    version: int
    recorded_at: datetime
    sources: tuple[Source, ...] = ()
    metadata: Mapping[str, object] = field(default_factory=dict)
    position: int | None = None
    corrected_by: tuple[UUID, ...] = ()


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """An event on its way into a stream: it gets its version and ``recorded_at`` on append."""

    event: Event
    event_id: UUID
    sources: tuple[Source, ...] = ()
    metadata: Mapping[str, object] = field(default_factory=dict)

    def recorded(self, stream_id: str, version: int, recorded_at: datetime) -> Recorded:
        """The record this event would become at ``version`` -- used to check rules before writing."""
        return Recorded(
            event=self.event,
            event_id=self.event_id,
            stream_id=stream_id,
            version=version,
            recorded_at=recorded_at,
            sources=self.sources,
            metadata=self.metadata,
        )
