"""The event store: the only code that runs SQL on events (whose text is in sql.py).

Appends are atomic and optimistic: the caller names the version it read; if another writer
got there first, nothing is written and VersionConflict says where the stream is now.
There is no global lock: writers of different streams never wait for each other, and two
writers of the same stream are told apart by the UNIQUE (stream_id, version) constraint.
Event ids make appends idempotent: re-sending the same events returns the first result.
The pool's connections are in autocommit (service/storage/pool.py): a single statement is a
transaction, and anything longer says ``transaction()``.
The feed of all events (``feed``) is gap-safe without any lock on appends: see sql.FEED.
What is known of a stream now comes from the server's memory (knowledge/versions.py) when
it can be trusted, else from a replica that holds enough (knowledge/replicas.py) or the primary.
"""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from prometheus_client import Counter
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from events import NewEvent, Recorded, Replayer
from service.settings import number
from service.storage import sql
from service.storage.history_cache import HistoryCache
from service.storage.knowledge.replicas import Replicas
from service.storage.registrations import Registrations
from service.storage.results import (
    AppendResult,
    ConsistencyToken,
    Cursor,
    EventIdConflict,
    Knowledge,
    Memory,
    VersionConflict,
    Write,
)
from service.storage.rows import columns, insert_row, recorded, same_event

# About this many decoded events are kept in memory per worker (see HistoryCache).
KNOWLEDGE_READS = Counter("pact_knowledge_reads", "What reads knew of a stream now: from memory or not", ["source"])


class EventStore:
    def __init__(
        self,
        pool: ConnectionPool,
        cache: HistoryCache | None = None,
        known: Memory | None = None,
        consistency_wait: float = 1.0,
        replicas: Replicas | None = None,
    ) -> None:
        self.pool = pool
        self.cache = cache if cache is not None else HistoryCache(max_events=int(number("PACT_CACHED_EVENTS")))
        self.known, self.consistency_wait = known, consistency_wait
        self.replicas = replicas if replicas is not None else Replicas([], pool, max_lag=0)
        self.registrations = Registrations(self._registration_count, self._registrations_but)

    def append(self, stream_id: str, events: Sequence[NewEvent], expected_version: int) -> AppendResult:
        """Append all of ``events`` after ``expected_version``, or none of them.

        The insert is optimistic: the database's constraints decide, in the same round trip.
        Only when they refuse (a used version or event id, or a version past the stream's
        end) does the store look at what is there: these very events, stored by an earlier
        request (the answer is that request's result), or a stream that moved on."""
        try:
            return self._insert(stream_id, events, expected_version)
        except psycopg.errors.IntegrityError:
            earlier = self.previously_appended(stream_id, events)
            if earlier is not None:
                return earlier
            actual = self.version(stream_id)
            if actual != expected_version:
                raise VersionConflict(stream_id, expected_version, actual) from None
            raise

    def _insert(self, stream_id: str, events: Sequence[NewEvent], expected_version: int) -> AppendResult:
        """One INSERT of every row, committed when it returns; what it stored joins memory."""
        rows = [insert_row(stream_id, expected_version + i, new) for i, new in enumerate(events, start=1)]
        statement, parameters = (sql.INSERT_ONE, rows[0]) if len(rows) == 1 else (sql.INSERT, columns(rows))
        with self.pool.connection() as connection:
            # One statement, so one transaction in autocommit: committed when it returns.
            stored = sorted(connection.execute(statement, parameters).fetchall())
            lsn = _lsn(connection)
        recorded_at = stored[0][2]
        # What was just stored is exactly what a read would return: the next read need not.
        records = [
            replace(new.recorded(stream_id, version, recorded_at), position=position)
            for new, (version, position, _) in zip(events, stored, strict=True)
        ]
        self.cache.extend(stream_id, expected_version, records)
        return self._acknowledged(_appended(stream_id, events, expected_version, recorded_at, lsn))

    def copy_append(self, stream_id: str, events: Sequence[NewEvent], expected_version: int) -> AppendResult:
        """Like ``append``, for many events at once: the rows go in by sql.COPY, in one
        transaction, which must commit within the commit-lag bound -- so callers send
        batches of a few thousand."""
        with self.pool.connection() as connection:
            with connection.transaction():
                actual = _version(connection, stream_id)
                if actual != expected_version:
                    raise VersionConflict(stream_id, expected_version, actual)
                with connection.cursor().copy(sql.COPY) as copy:
                    for version, new in enumerate(events, start=expected_version + 1):
                        copy.write_row(insert_row(stream_id, version, new))
                (recorded_at,) = connection.execute(sql.RECORDED_AT, (stream_id, expected_version + 1)).fetchall()[0]
            lsn = _lsn(connection)
        return self._acknowledged(_appended(stream_id, events, expected_version, recorded_at, lsn))

    def _acknowledged(self, result: AppendResult) -> AppendResult:
        """The append, made known to every worker of this server before anyone answers with it."""
        if self.known is not None:
            self.known.wrote(Write(result.stream_id, result.version, result.recorded_at, result.lsn))
        return result

    def previously_appended(self, stream_id: str, events: Sequence[NewEvent]) -> AppendResult | None:
        """The result of an earlier append of exactly these events, or None if none was stored."""
        with self.pool.connection() as connection:
            return _previously_appended(connection, stream_id, events)

    def load(self, stream_id: str, known_at: datetime | None = None) -> list[Recorded]:
        """The stream as recorded at ``known_at`` (default: now), oldest version first."""
        with self.pool.connection() as connection:
            row = connection.execute(sql.KNOWN_VERSION, {"stream": stream_id, "known_at": known_at}).fetchone()
        return self.history(stream_id, int(row[0]) if row else 0)

    def history(self, stream_id: str, through_version: int) -> list[Recorded]:
        """Versions 1..through_version, which the caller knows exist (from ``knowledge``):
        what was known of the stream at any instant is such a prefix. Served from memory
        as far as it holds them."""
        if through_version == 0:
            return []
        return self.cache.history(stream_id, through_version, self._fetcher(stream_id))

    def replayer(self, stream_id: str, through_version: int) -> Replayer:
        """A Replayer of versions 1..through_version, kept for the next question about them."""
        return self.cache.replayer(stream_id, through_version, self._fetcher(stream_id))

    def _fetcher(self, stream_id: str) -> Callable[[int, int], list[Recorded]]:
        return lambda after, through: self.read(stream_id, after, through - after, expected=through - after)

    def read(
        self,
        stream_id: str,
        after_version: int,
        limit: int,
        known_at: datetime | None = None,
        expected: int | None = None,
    ) -> list[Recorded]:
        """Up to ``limit`` events after ``after_version``, as recorded at ``known_at``; from a
        replica if the caller knows how many exist (``expected``) and the replica has them."""

        def ask(connection: psycopg.Connection) -> list[dict[str, Any]]:
            with connection.cursor(row_factory=dict_row) as cursor:
                return cursor.execute(sql.STREAM, (stream_id, after_version, known_at, limit)).fetchall()

        route = self.replicas.past(0) if expected is not None else None
        rows = self.replicas.read(route, ask, lambda found: len(found) >= (expected or 0))
        return [recorded(row) for row in rows]

    def knowledge(
        self, stream_id: str, known_at: datetime | None = None, token: ConsistencyToken | None = None
    ) -> Knowledge | None:
        """What is known of the stream at ``known_at`` (default: now), before any event is
        read; None when the agreement does not exist at all. About now, from memory when it
        can be trusted -- including the write ``token`` names, waiting up to ``consistency_wait``
        for it -- else by one cheap query: on a replica that holds all this server has heard
        of the stream and the token's write, else on the primary, which sees every commit."""
        at_least = token.version if token is not None else 0
        if known_at is None and self.known is not None:
            known, wait = self.known, self.consistency_wait
            newest = known.at_least(stream_id, at_least, wait) if at_least else known.current(stream_id)
            if newest is not None:
                KNOWLEDGE_READS.labels("memory").inc()
                return self._known_now(newest)
        KNOWLEDGE_READS.labels("database").inc()
        seen = self.known.newest_seen(stream_id) if self.known is not None and known_at is None else None
        at_least = max(at_least, seen.version if seen else 0)
        position = max(token.lsn if token else 0, seen.lsn if seen else 0)
        route = self.replicas.settled(known_at) if known_at is not None else self.replicas.past(position)

        def ask(connection: psycopg.Connection) -> Knowledge | None:
            with connection.cursor(row_factory=dict_row) as cursor:
                row = cursor.execute(sql.KNOWLEDGE, {"stream": stream_id, "known_at": known_at}).fetchone()
            return Knowledge(**row) if row and row["timezone"] is not None else None

        return self.replicas.read(route, ask, lambda found: found is not None and found.version >= at_least)

    def _known_now(self, newest: Write) -> Knowledge | None:
        """Knowledge of the stream at its ``newest`` version; its time zone is its
        registration's, which is kept in memory with the rest of its history."""
        registration = self.history(newest.stream_id, 1)[0].event
        timezone = getattr(registration, "timezone", None)
        if not isinstance(timezone, str):
            return None  # a stream that is no agreement
        return Knowledge(timezone=timezone, version=newest.version, horizon=newest.recorded_at)

    def _registration_count(self) -> int:
        with self.pool.connection() as connection:
            return int((connection.execute(sql.REGISTRATION_COUNT).fetchone() or (0,))[0])

    def _registrations_but(self, stream_ids: list[str]) -> list[Recorded]:
        with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
            return [recorded(row) for row in cursor.execute(sql.REGISTRATIONS_BUT, (stream_ids,)).fetchall()]

    def knowledge_of(self, stream_ids: Sequence[str], known_at: datetime | None = None) -> dict[str, Knowledge]:
        """``knowledge`` of each stream in one round trip; streams unknown at ``known_at`` are left out."""
        parameters = {"streams": list(stream_ids), "known_at": known_at}
        with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
            rows = cursor.execute(sql.KNOWLEDGE_OF_STREAMS, parameters).fetchall()
        return {row.pop("stream_id"): Knowledge(**row) for row in rows}

    def feed(self, after: Cursor, limit: int) -> list[tuple[Cursor, Recorded]]:
        """Events of all streams after ``after``, in feed order, each with its cursor."""
        parameters = {"transaction": str(after.transaction), "position": after.position, "limit": limit}
        with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
            rows = cursor.execute(sql.FEED, parameters).fetchall()
        return [(Cursor(int(row.pop("transaction")), row["position"]), recorded(row)) for row in rows]

    def owner(self, event_id: UUID) -> str | None:
        """The stream an event belongs to, if it exists anywhere."""
        with self.pool.connection() as connection:
            row = connection.execute(sql.OWNER, (event_id,)).fetchone()
        return row[0] if row else None

    def version(self, stream_id: str) -> int:
        """The stream's current version; 0 if it has no events."""
        with self.pool.connection() as connection:
            return _version(connection, stream_id)

    def stream_versions(self, after: str, limit: int) -> list[tuple[str, int]]:
        """Streams after ``after`` (by id) and the version each is at, in one round trip."""
        with self.pool.connection() as connection:
            return [(row[0], row[1]) for row in connection.execute(sql.STREAM_VERSIONS, (after, limit)).fetchall()]

    def stream_ids(self) -> list[str]:
        with self.pool.connection() as connection:
            return [row[0] for row in connection.execute(sql.STREAM_IDS).fetchall()]


def _appended(stream_id: str, events: Sequence[NewEvent], after: int, recorded_at: datetime, lsn: int) -> AppendResult:
    return AppendResult(
        stream_id=stream_id,
        first_version=after + 1,
        version=after + len(events),
        event_ids=tuple(new.event_id for new in events),
        recorded_at=recorded_at,
        lsn=lsn,
    )


def _lsn(connection: psycopg.Connection) -> int:
    """The primary's WAL position now: asked after a commit, at or past it."""
    row = connection.execute(sql.CURRENT_LSN).fetchone()
    return int(row[0]) if row else 0


def _version(connection: psycopg.Connection, stream_id: str) -> int:
    row = connection.execute(sql.STREAM_VERSION, (stream_id,)).fetchone()
    return int(row[0]) if row else 0


def _previously_appended(
    connection: psycopg.Connection, stream_id: str, events: Sequence[NewEvent]
) -> AppendResult | None:
    ids = [new.event_id for new in events]
    with connection.cursor(row_factory=dict_row) as cursor:
        rows = {row["event_id"]: row for row in cursor.execute(sql.BY_IDS, (ids,)).fetchall()}
    if not rows:
        return None
    for new in events:
        row = rows.get(new.event_id)
        if row is None:
            raise EventIdConflict(new.event_id, "part of this batch was appended before; send new events on their own")
        if not same_event(row, stream_id, new):
            raise EventIdConflict(new.event_id, "this id was already used for a different event")
    stored = [rows[i] for i in ids]
    versions = [row["version"] for row in stored]
    if versions != list(range(versions[0], versions[0] + len(versions))):
        raise EventIdConflict(ids[0], "these events were appended before, but not together in this order")
    return AppendResult(
        stream_id=stream_id,
        first_version=versions[0],
        version=versions[-1],
        event_ids=tuple(ids),
        recorded_at=stored[0]["recorded_at"],
        lsn=_lsn(connection),
        retried=True,
    )
