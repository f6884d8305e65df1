"""Decoded streams kept in memory, so a read replays events instead of fetching and
decoding them again.

Two facts make this cache unable to go stale. Recorded events never change, so versions
1..v of a stream, once read, are right for ever. And within a stream recorded_at never
decreases with the version (migrations/versions/0001_events.py), so what was known of a
stream at any instant is exactly its versions 1..v for some v -- which the caller learns
from the one cheap knowledge query it makes anyway. The cache is therefore keyed by stream
only, extended by the versions it lacks, and shared by every date and every known_at.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from events import Recorded, Replayer

# Fetches versions after the first argument, up to and including the second.
Fetch = Callable[[int, int], list[Recorded]]


class HistoryCache:
    """The first versions of recently read streams, least recently used evicted first,
    holding at most ``max_events`` events in all."""

    # Replayers kept (each shares its records with the history above).
    REPLAYERS = 256

    def __init__(self, max_events: int) -> None:
        self.max_events = max_events
        self._streams: OrderedDict[str, list[Recorded]] = OrderedDict()
        self._replayers: OrderedDict[tuple[str, int], Replayer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many events are held, over all streams."""
        return self._size

    def history(self, stream_id: str, through_version: int, fetch: Fetch) -> list[Recorded]:
        """Versions 1..through_version of the stream, fetching only those not held yet."""
        with self._lock:
            held = self._streams.get(stream_id, [])
            if held:
                self._streams.move_to_end(stream_id)
        if len(held) >= through_version:
            return held[:through_version]
        fetched = fetch(len(held), through_version)
        history = held + fetched
        if [record.version for record in history[-1:]] != [through_version]:
            raise LookupError(f"{stream_id} has no version {through_version} to read")
        self._keep(stream_id, history)
        return list(history)

    def extend(self, stream_id: str, after_version: int, records: list[Recorded]) -> None:
        """Versions after_version+1.. of the stream, just stored by this process; kept only
        if they continue what is held, so nothing is ever skipped."""
        with self._lock:
            held = self._streams.get(stream_id)
        if held is not None and len(held) == after_version:
            self._keep(stream_id, held + records)

    def replayer(self, stream_id: str, version: int, fetch: Fetch) -> Replayer:
        """A Replayer of versions 1..version, whose fold checkpoints then serve every later
        question about that knowledge of the stream."""
        key = (stream_id, version)
        with self._lock:
            replayer = self._replayers.get(key)
            if replayer is not None:
                self._replayers.move_to_end(key)
                return replayer
            previous = self._replayers.get((stream_id, version - 1))
        history = self.history(stream_id, version, fetch)
        # The usual case after an append: last version's replayer, one event longer.
        longer = previous.extended(history[-1:]) if previous is not None else None
        replayer = longer or Replayer(history)
        with self._lock:
            replayer = self._replayers.setdefault(key, replayer)
            while len(self._replayers) > self.REPLAYERS:
                self._replayers.popitem(last=False)
        return replayer

    def _keep(self, stream_id: str, history: list[Recorded]) -> None:
        with self._lock:
            held = self._streams.get(stream_id, [])
            if len(history) <= len(held) or len(history) > self.max_events:
                return
            self._streams[stream_id] = history
            self._streams.move_to_end(stream_id)
            self._size += len(history) - len(held)
            while self._size > self.max_events:
                _, evicted = self._streams.popitem(last=False)
                self._size -= len(evicted)
