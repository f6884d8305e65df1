"""Read replicas: hot standbys of the primary, on PostgreSQL's own streaming replication.

A replica holds what the primary committed up to the WAL position it has replayed. A read
goes to one only when that position is known to be past what the read must see, else to
the primary: so a replica can make an answer come from elsewhere, never make it older
than the same read on the primary would be, except where the caller says any replica in
rotation will do (a question about now that no write of this server's concerns).

A monitor thread asks, every INTERVAL seconds, the primary for its WAL position and each
replica for the position it has replayed. A replica whose replay is more than
``max_lag`` seconds behind the primary, or that fails, leaves the rotation, and comes back
once it has caught up. What the monitor read is a lower bound of what a replica holds
(replay only moves forward), so it picks the replicas a read may go to.

A replica's URL may name a balancer rather than one server -- CloudNativePG's `-ro`
Service hands each new connection to any of the replicas -- so the monitor's connection and
a read's may reach different standbys. A read that needs a position therefore asks the
very connection it is given how far that standby has replayed, and goes to the primary
when it is not that far: no replica answer is ever older than the caller's knowledge,
however the connections are balanced.
"""

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

import psycopg
from prometheus_client import Counter
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)
T = TypeVar("T")

INTERVAL = 0.1
PRIMARY_POSITION = "SELECT clock_timestamp(), pg_current_wal_lsn() - '0/0'"
REPLAYED = "SELECT pg_last_wal_replay_lsn() - '0/0'"
# A commit with recorded_at <= t commits by t + this (the events table's commit-lag bound,
# migrations/versions/0001), with a second to spare for its commit record to be written.
SETTLED = timedelta(seconds=11)
# A replica that failed is asked again after this long.
RETRY_SECONDS = 1.0
READS = Counter("pact_database_reads", "Reads the database answered, by the primary or a replica", ["database"])


@dataclass
class Replica:
    """A standby: the monitor's connection to it, and the pool reads use, opened the first
    time it joins the rotation (a replica that never comes up costs nothing but the probe)."""

    name: str
    url: str
    replayed: int = 0
    in_rotation: bool = False
    probe: psycopg.Connection | None = None
    pool: ConnectionPool | None = None
    down_until: float = 0.0


@dataclass(frozen=True)
class Route:
    """Where a read may go: a replica, and the WAL position the standby that answers must
    have replayed (checked on the connection that answers)."""

    replica: Replica
    position: int


@dataclass
class Positions:
    """The primary's WAL positions as the monitor read them, oldest first: when (this
    process's monotonic clock, and the database's clock), and the position."""

    samples: deque[tuple[float, datetime, int]] = field(default_factory=deque)

    def add(self, at: datetime, position: int, keep: float) -> None:
        now = time.monotonic()
        self.samples.append((now, at, position))
        while self.samples and self.samples[0][0] < now - keep:
            self.samples.popleft()

    def lag(self, replayed: int) -> float:
        """Seconds since the primary first stood past ``replayed``: how far behind a replica is."""
        behind = [seen for seen, _, position in self.samples if position > replayed]
        return time.monotonic() - behind[0] if behind else 0.0

    def settled_by(self, instant: datetime) -> int | None:
        """A position past every commit of what was recorded up to ``instant``, once known."""
        after = [position for _, at, position in self.samples if at >= instant + SETTLED]
        return after[0] if after else None


class Replicas:
    def __init__(
        self,
        replicas: Sequence[tuple[str, str]],
        primary: ConnectionPool,
        max_lag: float,
        open_pool: Callable[[str], ConnectionPool] = ConnectionPool,
    ) -> None:
        """``replicas``: each one's name (as logs may show it) and connection string."""
        self.primary, self.max_lag, self._open_pool = primary, max_lag, open_pool
        self.replicas = [Replica(name, url) for name, url in replicas]
        self.positions = Positions()
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._monitor, name="pact-replica-monitor", daemon=True)
        if self.replicas:
            self._thread.start()

    def past(self, position: int) -> Route | None:
        """A replica in rotation that has replayed ``position``, taking turns; None: the primary."""
        ready = [replica for replica in self.replicas if replica.in_rotation and replica.replayed >= position]
        return Route(ready[next(self._turn) % len(ready)], position) if ready else None

    def settled(self, instant: datetime) -> Route | None:
        """A replica that holds everything ever recorded up to ``instant``; None: the primary."""
        with self._lock:
            position = self.positions.settled_by(instant)
        return self.past(position) if position is not None else None

    def read(self, route: Route | None, run: Callable[[psycopg.Connection], T], good: Callable[[T], bool]) -> T:
        """``run`` on the route's replica, and on the primary when there is none, the standby
        that answers has not replayed the route's position, it fails, or what it answered is
        not ``good`` (it lacks what the caller knows exists)."""
        pool = route.replica.pool if route is not None else None
        if route is not None and pool is not None:
            try:
                with pool.connection() as connection:
                    if _replayed(connection, route.position):
                        found = run(connection)
                        if good(found):
                            READS.labels("replica").inc()
                            return found
            except psycopg.Error as error:
                log.warning("replica %s failed, taken out of rotation: %s", route.replica.name, error)
                route.replica.in_rotation = False
        READS.labels("primary").inc()
        with self.primary.connection() as connection:
            return run(connection)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for replica in self.replicas:
            if replica.probe is not None:
                replica.probe.close()
            if replica.pool is not None:
                replica.pool.close()

    def _monitor(self) -> None:
        while not self._stop.wait(INTERVAL):
            try:
                with self.primary.connection() as connection:
                    at, position = connection.execute(PRIMARY_POSITION).fetchone() or (None, 0)
                with self._lock:
                    self.positions.add(at, int(position), keep=max(self.max_lag, SETTLED.total_seconds()) * 2)
            except psycopg.Error:
                continue  # no primary: reads fail over to nothing, and the rotation stays as it was
            for replica in self.replicas:
                self._look_at(replica)

    def _look_at(self, replica: Replica) -> None:
        if time.monotonic() < replica.down_until:
            return
        try:
            if replica.probe is None:
                replica.probe = psycopg.connect(replica.url, autocommit=True, connect_timeout=1)
            row = replica.probe.execute(REPLAYED).fetchone()
            replayed = int(row[0]) if row and row[0] is not None else 0
        except psycopg.Error as error:
            if replica.in_rotation:
                log.warning("replica %s out of rotation: %s", replica.name, error)
            replica.in_rotation, replica.down_until = False, time.monotonic() + RETRY_SECONDS
            if replica.probe is not None:
                replica.probe.close()
                replica.probe = None
            return
        if replica.pool is None:
            replica.pool = self._open_pool(replica.url)
        replica.replayed = max(replica.replayed, replayed)
        with self._lock:
            lag = self.positions.lag(replica.replayed)
        fit = lag <= self.max_lag
        if fit != replica.in_rotation:
            level = logging.INFO if fit else logging.WARNING
            log.log(level, "replica %s %s rotation (%.1f s behind)", replica.name, "in" if fit else "out of", lag)
        replica.in_rotation = fit


def _replayed(connection: psycopg.Connection, position: int) -> bool:
    """Whether the standby behind ``connection`` has replayed ``position`` (no question
    asked for position 0, which every standby holds)."""
    if position == 0:
        return True
    row = connection.execute(REPLAYED).fetchone()
    return bool(row and row[0] is not None and int(row[0]) >= position)
