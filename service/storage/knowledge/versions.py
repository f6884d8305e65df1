"""Every stream's newest version, known in memory, so a read about now needs no round trip.

What a read about now must know of a stream is its newest version (and that version's
recorded_at): the events themselves are in memory already (history_cache.py). This keeps
that for every stream, fed by

- this server's own writes, which every worker puts in memory they share before
  answering (shared_writes.py) and every worker looks at before answering a read from
  memory: a write acknowledged by the server is seen by every read it starts afterwards;
- the notification the database sends, in the appending transaction, for every append
  (migrations/versions/0005), heard on a LISTENing connection of this worker's own:
  writes from elsewhere (another server, the CLI's import) within the notification's
  delivery;
- a read of every stream's newest version each time that connection is (re)opened, after
  LISTEN, so nothing committed while it was down is missed; and memory forgets any version
  that read shows the database does not hold (after a failover to a standby that had not
  received it), so it is never ahead of the database it answers for.

Memory is trusted only while it cannot miss anything: the listener is connected and caught
up, has nothing received but unread, and was heard from in the last few heartbeats.
Otherwise ``current`` says None and the caller asks the database, as it did before this
existed: an answer may come late, never stale.
"""

import json
import logging
import os
import select
import threading
import time
from collections.abc import Iterable
from datetime import datetime

import psycopg

from service.storage import sql
from service.storage.knowledge.shared_writes import SharedWrites
from service.storage.results import Write

log = logging.getLogger(__name__)

# The listener asks the database this often when nothing is heard, to know it is still there.
HEARTBEAT_SECONDS = 1.0
# Memory is not trusted once the listener was last heard from longer ago than this.
SILENCE_SECONDS = 3 * HEARTBEAT_SECONDS
RECONNECT_SECONDS = 0.5
LISTENER_NAME = "pact-knowledge-listener"
# How long a read that needs a newer version waits between two looks at the shared writes.
_LOOK_SECONDS = 0.005


class KnownVersions:
    """The newest (version, recorded_at, LSN) of every stream, as this worker knows them."""

    def __init__(self, url: str, shared: SharedWrites, connect_timeout: int = 2, waiters: int = 4) -> None:
        self._url, self._connect_timeout = url, connect_timeout
        self._waiters = threading.BoundedSemaphore(waiters)
        self._shared = shared
        self._seen = shared.count()
        self._seen_lock = threading.Lock()
        self._table: dict[str, Write] = {}
        self._changed = threading.Condition()
        self._live = False
        self._busy = False
        self._heard_at = 0.0
        self._listener: psycopg.Connection | None = None
        self._heard: list[Write] = []
        self._reload = True
        self._failing = False
        self._stop = threading.Event()
        # Written to on close, so the listener stops at once rather than after its heartbeat.
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._listen, name=LISTENER_NAME, daemon=True)
        self._thread.start()

    def current(self, stream_id: str) -> Write | None:
        """The newest version of the stream this server knows of, or None when memory
        cannot be trusted now (or knows no such stream): then ask the database."""
        self._look_at_shared()
        if not self._trusted():
            return None
        return self._table.get(stream_id)

    def at_least(self, stream_id: str, version: int, seconds: float) -> Write | None:
        """``current``, once it is at ``version`` or later, waiting up to ``seconds`` for
        that; None if it did not get there (then ask the database). At most ``waiters``
        reads wait at once: a token naming a write that never comes (a forged one) must not
        hold every thread, so the others ask the database at once."""
        found = self.current(stream_id)
        if found is not None and found.version >= version:
            return found
        if not self._waiters.acquire(blocking=False):
            return None
        try:
            return self._wait_for(stream_id, version, time.monotonic() + seconds)
        finally:
            self._waiters.release()

    def _wait_for(self, stream_id: str, version: int, deadline: float) -> Write | None:
        while True:
            found = self.current(stream_id)
            if found is not None and found.version >= version:
                return found
            left = deadline - time.monotonic()
            if left <= 0 or not self._live:
                return None  # no waiting while the listener is down: the database knows now
            with self._changed:
                self._changed.wait(min(left, _LOOK_SECONDS))

    def wrote(self, write: Write) -> None:
        """An append this worker committed: seen by every worker of the server from now on."""
        self._shared.put(write)
        self._look_at_shared()

    def newest_seen(self, stream_id: str) -> Write | None:
        """The newest version heard of, trusted or not: a replica that has less is behind."""
        self._look_at_shared()
        return self._table.get(stream_id)

    @property
    def live(self) -> bool:
        """Whether memory is trusted now."""
        return self._trusted()

    def close(self) -> None:
        self._stop.set()
        os.write(self._wake_write, b"x")
        self._thread.join(timeout=5)
        self._shared.close()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _trusted(self) -> bool:
        """Live, nothing received and not yet applied, and heard from lately. The socket is
        looked at before ``busy``: the listener sets busy before it reads what came."""
        listener = self._listener
        if not self._live or listener is None:
            return False
        try:
            unread = bool(select.select([listener.pgconn.socket], [], [], 0)[0])
        except (OSError, ValueError, psycopg.OperationalError):
            return False
        # live once more: the listener marks itself not live before it stops being busy.
        return not unread and not self._busy and self._live and time.monotonic() - self._heard_at < SILENCE_SECONDS

    def _look_at_shared(self) -> None:
        count, writes = self._shared.since(self._seen)
        if writes is None:
            # More writes came than the ring holds: learn every version afresh.
            log.warning("fell behind this server's own writes; reading every stream's version again")
            self._live = False
            self._reload = True
        else:
            self._apply(writes)
        with self._seen_lock:  # another thread may have looked further meanwhile: never go back
            self._seen = max(self._seen, count)

    def _apply(self, writes: Iterable[Write]) -> None:
        with self._changed:
            for write in writes:
                held = self._table.get(write.stream_id)
                if held is None or write.version > held.version:
                    self._table[write.stream_id] = write
            self._changed.notify_all()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except (psycopg.Error, OSError) as error:
                # Said once an outage, not at every attempt to reconnect.
                if not self._stop.is_set() and not self._failing:
                    log.warning("listening for appends failed, reads ask the database until it is back: %s", error)
                self._failing = True
            finally:
                self._live = False
                self._busy = False
                if self._listener is not None:
                    self._listener.close()
            self._stop.wait(RECONNECT_SECONDS)

    def _follow(self) -> None:
        """Connect, LISTEN, read every stream's version, then apply what is heard until
        the connection fails or the worker stops."""
        self._listener = listener = psycopg.connect(
            self._url, autocommit=True, connect_timeout=self._connect_timeout, application_name=LISTENER_NAME
        )
        listener.add_notify_handler(self._hear)
        listener.execute(f"LISTEN {sql.APPENDS}")
        self._reload = True
        while not self._stop.is_set():
            if self._reload:
                self._reload = False
                rows = listener.execute(sql.EVERY_STREAM_NEWEST).fetchall()
                self._forget_beyond({stream: version for stream, version, _ in rows})
                self._heard += [Write(stream, version, recorded_at, 0) for stream, version, recorded_at in rows]
                self._refresh(listener)
                self._live = not self._reload
                if self._live and self._failing:
                    log.info("listening for appends again: reads are answered from memory")
                    self._failing = False
                continue
            select.select([listener.pgconn.socket, self._wake_read], [], [], HEARTBEAT_SECONDS)
            if self._stop.is_set():
                return
            self._busy = True
            self._refresh(listener)
            self._busy = False

    def _forget_beyond(self, stored: dict[str, int]) -> None:
        """Forget every version newer than the database's ``stored`` ones. Memory ahead of
        the database means it lost writes (a promoted standby that had not received them,
        with asynchronous replication): only the database can say what is there now. A
        write of this server's committed meanwhile may be forgotten too; its stream is then
        read from the database, which holds it."""
        with self._changed:
            ahead = [stream for stream, write in self._table.items() if write.version > stored.get(stream, 0)]
            for stream in ahead:
                del self._table[stream]
        if ahead:
            log.warning(
                "the database holds older versions of %d agreements than this server knew of (%s): reading them"
                " from the database; after a failover, writes acknowledged before it may be lost",
                len(ahead),
                ", ".join(ahead[:5]),
            )

    def _refresh(self, listener: psycopg.Connection) -> None:
        """Apply what was heard, each with a WAL position the primary reached after its
        commit, asked once it was heard (a replica that replayed that far has it); until
        asking that position brought nothing new."""
        while True:
            listener.pgconn.consume_input()
            while (notification := listener.pgconn.notifies()) and listener.pgconn.notify_handler:
                listener.pgconn.notify_handler(notification)  # to _hear, as psycopg does in execute
            heard, self._heard = self._heard, []
            row = listener.execute(sql.CURRENT_LSN).fetchone()
            lsn = int(row[0]) if row else 0
            self._apply(Write(write.stream_id, write.version, write.recorded_at, lsn) for write in heard)
            self._heard_at = time.monotonic()
            if not self._heard:
                return

    def _hear(self, notification: psycopg.Notify) -> None:
        try:
            said = json.loads(notification.payload)
            write = Write(said["stream"], int(said["version"]), datetime.fromisoformat(said["recorded_at"]), 0)
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a notification that names no append: %r", notification.payload[:200])
            return
        self._heard.append(write)
