"""Where a question about a stream's knowledge is answered from: how far a stream is known
at an instant, before any of its events is read.

About now, from this server's memory (versions.py) when it can be trusted -- including a
write a consistency token names, waited for up to ``consistency_wait`` -- else by one cheap
query: on a replica that holds all this server has heard of the stream and the token's
write (replicas.py), else on the primary, which sees every commit. About an earlier
instant, on a replica once the instant is settled there, else on the primary.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

import psycopg
from prometheus_client import Counter
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from service.storage import sql
from service.storage.knowledge.replicas import Replicas
from service.storage.results import ConsistencyToken, Knowledge, Memory, Write

KNOWLEDGE_READS = Counter("pact_knowledge_reads", "What reads knew of a stream now: from memory or not", ["source"])

# The time zone of a stream's registration (kept in memory with its history); None for a
# stream that is no agreement.
TimezoneOf = Callable[[str], str | None]


class Knowing:
    def __init__(
        self,
        pool: ConnectionPool,
        known: Memory | None,
        consistency_wait: float,
        replicas: Replicas,
        timezone_of: TimezoneOf,
    ) -> None:
        self.pool, self.known, self.consistency_wait = pool, known, consistency_wait
        self.replicas, self.timezone_of = replicas, timezone_of

    def knowledge(
        self, stream_id: str, known_at: datetime | None = None, token: ConsistencyToken | None = None
    ) -> Knowledge | None:
        """What is known of the stream at ``known_at`` (default: now), including at least
        the write ``token`` names; None when the agreement does not exist at all."""
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
        replica = self.replicas.settled(known_at) if known_at is not None else self.replicas.past(position)

        def ask(connection: psycopg.Connection) -> Knowledge | None:
            with connection.cursor(row_factory=dict_row) as cursor:
                row = cursor.execute(sql.KNOWLEDGE, {"stream": stream_id, "known_at": known_at}).fetchone()
            return Knowledge(**row) if row and row["timezone"] is not None else None

        return self.replicas.read(replica, ask, lambda found: found is not None and found.version >= at_least)

    def _known_now(self, newest: Write) -> Knowledge | None:
        """Knowledge of the stream at its ``newest`` version, with its registration's time zone."""
        timezone = self.timezone_of(newest.stream_id)
        if timezone is None:
            return None
        return Knowledge(timezone=timezone, version=newest.version, horizon=newest.recorded_at)

    def knowledge_of(self, stream_ids: Sequence[str], known_at: datetime | None = None) -> dict[str, Knowledge]:
        """``knowledge`` of each stream in one round trip; streams unknown at ``known_at`` are left out."""
        parameters = {"streams": list(stream_ids), "known_at": known_at}
        with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
            rows = cursor.execute(sql.KNOWLEDGE_OF_STREAMS, parameters).fetchall()
        return {row.pop("stream_id"): Knowledge(**row) for row in rows}
