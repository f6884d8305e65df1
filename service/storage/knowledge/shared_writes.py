"""The appends one server's workers acknowledged, in memory every worker of the server maps.

A server is several processes (gunicorn's workers), each with its own memory. For a write
acknowledged by one worker to be seen by every read the server starts afterwards, on any
worker, without asking the database, the appending worker puts the write here before it
answers, and every worker looks here before it answers a read from memory
(service/storage/knowledge/versions.py). Notifications from the database would tell the other workers
too, but only after a delay no read may depend on.

The memory is a ring of the last SLOTS writes and a count of all writes ever put in it: a
file every worker maps (``serve`` makes one per start), or, without one, anonymous memory
that every app of this process on the same database shares (``in_process``): apps made in
one process are workers of one server. A reader that fell more than SLOTS writes behind is
told so, and must learn the versions afresh from the database.
"""

import fcntl
import mmap
import os
import struct
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from service.storage.results import Write

SLOTS = 4096
# count, at the start; then each slot: version, recorded_at (µs since the epoch), the
# commit's LSN, and the stream id (its length, then its bytes).
_COUNT = struct.Struct("<Q")
_SLOT = struct.Struct("<QqQB103s")
_HEADER_SIZE = 64
SIZE = _HEADER_SIZE + SLOTS * _SLOT.size
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IN_PROCESS: "weakref.WeakValueDictionary[str, SharedWrites]" = weakref.WeakValueDictionary()
_IN_PROCESS_LOCK = threading.Lock()


class SharedWrites:
    def __init__(self, path: Path | None = None) -> None:
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        if path is None:
            self._map = mmap.mmap(-1, SIZE)
            return
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked(fcntl.LOCK_EX):
            if os.fstat(self._fd).st_size < SIZE:
                os.ftruncate(self._fd, SIZE)
        self._map = mmap.mmap(self._fd, SIZE)

    def count(self) -> int:
        """How many writes were ever put here: where a new reader starts."""
        with self._locked(fcntl.LOCK_SH):
            return int(_COUNT.unpack_from(self._map, 0)[0])

    def put(self, write: Write) -> None:
        """Make ``write`` seen by every worker's next look, before it is acknowledged."""
        stream = write.stream_id.encode()
        if len(stream) > 103:
            raise ValueError(f"a stream id of {len(stream)} bytes does not fit")
        micros = (write.recorded_at - _EPOCH) // timedelta(microseconds=1)
        with self._locked(fcntl.LOCK_EX):
            (count,) = _COUNT.unpack_from(self._map, 0)
            _SLOT.pack_into(
                self._map, _offset(count), write.version, micros, write.lsn, len(stream), stream.ljust(103, b"\0")
            )
            _COUNT.pack_into(self._map, 0, count + 1)

    def since(self, seen: int) -> tuple[int, list[Write] | None]:
        """The count now, and the writes after the first ``seen``; None instead of the
        writes when more than SLOTS came since, some of which are overwritten."""
        # A reader with nothing new costs no lock: the count is written last, under the lock,
        # so a count read as unchanged means no write was acknowledged since.
        if _COUNT.unpack_from(self._map, 0)[0] == seen:
            return seen, []
        with self._locked(fcntl.LOCK_SH):
            (count,) = _COUNT.unpack_from(self._map, 0)
            if count - seen > SLOTS:
                return count, None
            return count, [self._slot(index) for index in range(seen, count)]

    @classmethod
    def in_process(cls, database: str) -> "SharedWrites":
        """The writes the apps of this process share on ``database`` (a name that tells
        databases apart: another database's streams have the same ids). Kept while an app
        holds it."""
        with _IN_PROCESS_LOCK:
            shared = _IN_PROCESS.get(database)
            if shared is None:
                shared = _IN_PROCESS[database] = cls()
            return shared

    def close(self) -> None:
        """Unmap the file; memory shared in the process goes when its last holder does."""
        if self._fd is not None:
            self._map.close()
            os.close(self._fd)

    def _slot(self, index: int) -> Write:
        version, micros, lsn, length, stream = _SLOT.unpack_from(self._map, _offset(index))
        recorded_at = _EPOCH + timedelta(microseconds=micros)
        return Write(stream[:length].decode(), version, recorded_at, lsn)

    @contextmanager
    def _locked(self, operation: int) -> Iterator[None]:
        """The threads of this process take turns by a lock; processes by the file's lock."""
        with self._thread_lock:
            if self._fd is None:
                yield
                return
            fcntl.flock(self._fd, operation)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


def _offset(index: int) -> int:
    return _HEADER_SIZE + (index % SLOTS) * _SLOT.size
