"""What the event store answers and refuses with: what is known of a stream, a place in the
feed, the result of an append and the token that names it, and the conflicts an append can
meet.

They are plain values, apart from the store that makes them, so that what only needs to
name them (caching, request schemas, answers, error handlers) does not depend on the store.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


class StoreError(Exception):
    """Base of what the store reports to its callers."""


class VersionConflict(StoreError):
    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id!r} is at version {actual}, not {expected}")
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


class EventIdConflict(StoreError):
    """An event id already names a different event, or only part of a batch was stored before."""

    def __init__(self, event_id: UUID, reason: str) -> None:
        super().__init__(f"event {event_id}: {reason}")
        self.event_id, self.reason = event_id, reason


@dataclass(frozen=True, kw_only=True)
class Knowledge:
    """What a stream holds as known at an instant, without reading its events.

    What was known is versions 1..``version`` (0: nothing yet); ``horizon`` is the
    recorded_at of the newest of them (None when none is).
    """

    timezone: str
    version: int
    horizon: datetime | None


@dataclass(frozen=True, order=True)
class Cursor:
    """A place in the feed of all events: after the event at ``position``, written by
    transaction ``transaction``. The feed is ordered by (transaction, position) and read
    only below the oldest transaction still running, so nothing can ever appear behind
    a cursor once it was handed out. Written "<transaction>-<position>"."""

    transaction: int
    position: int

    def __str__(self) -> str:
        return f"{self.transaction}-{self.position}"


START = Cursor(0, 0)


@dataclass(frozen=True, kw_only=True)
class AppendResult:
    """What an append stored; ``lsn`` is a WAL position of the primary after its commit;
    ``retried`` when these very events were stored before (the answer says ``replayed``)."""

    stream_id: str
    first_version: int
    version: int
    event_ids: tuple[UUID, ...]
    recorded_at: datetime
    lsn: int
    retried: bool = False

    @property
    def token(self) -> "ConsistencyToken":
        return ConsistencyToken(self.stream_id, self.version, self.lsn)


@dataclass(frozen=True)
class ConsistencyToken:
    """What a read must know to see a write: the stream, the version the write made, and
    the primary's WAL position after its commit (how far a replica must have replayed).
    Written "<stream>.<version>.<lsn in hex>"; per stream, so a read waits only for the
    stream it asks about."""

    stream_id: str
    version: int
    lsn: int

    def __str__(self) -> str:
        return f"{self.stream_id}.{self.version}.{self.lsn:x}"

    @classmethod
    def parse(cls, text: str) -> "ConsistencyToken":
        """The token ``text`` names; ValueError if it is none (see TOKEN_PATTERN)."""
        if not _TOKEN.fullmatch(text):
            raise ValueError("not a consistency token (a write answer's Consistency-Token)")
        stream_id, version, lsn = text.split(".")
        return cls(stream_id, int(version), int(lsn, 16))


# An agreement's id -- its stream's -- lower-case letters, digits and '-', 2 to 63 of them.
AGREEMENT_ID_PATTERN = r"[a-z0-9][a-z0-9-]{1,62}"
# An agreement id, a version and a WAL position (matched whole); ECMA-262 and Python read it alike.
TOKEN_PATTERN = f"{AGREEMENT_ID_PATTERN}[.][0-9]{{1,10}}[.][0-9a-f]{{1,16}}"
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class Write:
    """A committed append: the stream's new version, its recorded_at, and a WAL position
    of the primary at or after its commit (what a replica must have replayed to see it)."""

    stream_id: str
    version: int
    recorded_at: datetime
    lsn: int


class Memory(Protocol):
    """What a server knows of every stream now (service/storage/knowledge/versions.py):
    ``current`` and ``at_least`` say None where it cannot be trusted or knows no such
    stream, and the caller asks the database."""

    def current(self, stream_id: str) -> Write | None: ...

    def at_least(self, stream_id: str, version: int, seconds: float) -> Write | None: ...

    def newest_seen(self, stream_id: str) -> Write | None: ...

    def wrote(self, write: Write) -> None: ...

    def close(self) -> None: ...
