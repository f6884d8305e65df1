"""The in-memory history cache answers exactly what a full read would, and never late."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from events import NewEvent, Recorded, replay, timeline
from events.record.types import ContextNoted, EventCorrected, EventRetracted
from service import commands
from service.app import create_app
from service.chronology import chronologies
from service.cli.seeding import seed
from service.settings import DEFAULTS
from service.storage.history_cache import HistoryCache
from service.storage.pool import open_pool
from service.storage.store import EventStore
from tests.conftest import POOL_THREADS_USE_RANDOM

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record(stream_id: str, version: int) -> Recorded:
    return Recorded(
        event=ContextNoted(occurred_on=date(2020, 1, 1)),
        event_id=uuid4(),
        stream_id=stream_id,
        version=version,
        recorded_at=T0 + timedelta(seconds=version),
    )


OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["append", "read"]), st.sampled_from(["a", "b", "c"]), st.floats(0, 1)), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(OPERATIONS, st.integers(0, 12))
def test_reads_through_the_cache_equal_the_truth(operations: list[tuple[str, str, float]], capacity: int) -> None:
    truth: dict[str, list[Recorded]] = {"a": [], "b": [], "c": []}
    cache = HistoryCache(max_events=capacity)
    fetched: list[int] = []

    def fetch(stream_id: str) -> object:
        def after(start: int, through: int) -> list[Recorded]:
            fetched.append(through - start)
            return truth[stream_id][start:through]

        return after

    for operation, stream_id, fraction in operations:
        if operation == "append":
            truth[stream_id].append(record(stream_id, len(truth[stream_id]) + 1))
            continue
        through = round(fraction * len(truth[stream_id]))
        if through:
            assert cache.history(stream_id, through, fetch(stream_id)) == truth[stream_id][:through]  # type: ignore[arg-type]
    assert len(cache) <= capacity


def test_a_cache_fetches_only_what_it_lacks_and_evicts_the_least_recently_used() -> None:
    cache = HistoryCache(max_events=4)
    streams = {name: [record(name, v) for v in range(1, 4)] for name in "ab"}
    fetches: list[tuple[str, int, int]] = []

    def read(name: str, through: int) -> list[Recorded]:
        def fetch(start: int, end: int) -> list[Recorded]:
            fetches.append((name, start, end))
            return streams[name][start:end]

        return cache.history(name, through, fetch)

    read("a", 1), read("a", 3), read("a", 2), read("b", 1), read("a", 3)

    assert fetches == [("a", 0, 1), ("a", 1, 3), ("b", 0, 1)]
    assert len(cache) == 4
    read("b", 3)  # five events would be too many: "a", used least recently, goes
    assert len(cache) == 3
    read("a", 1)
    assert fetches[-1] == ("a", 0, 1)


def test_an_append_through_another_worker_is_visible_on_the_next_read(app: Flask, service_url: str) -> None:
    seed(app.extensions["pact"].store)
    client = app.test_client()
    other = create_app({"DATABASE_URL": service_url})  # another worker: its own pool and cache
    before = client.get("/agreements/kr-jp-gsomia/status?on=2024-01-01").get_json()
    notice = NewEvent(event=ContextNoted(occurred_on=date(2024, 1, 1)), event_id=uuid4())
    other.extensions["pact"].store.append("kr-jp-gsomia", [notice], 32)
    after = client.get("/agreements/kr-jp-gsomia/status?on=2024-01-01").get_json()
    events = client.get("/agreements/kr-jp-gsomia/events?after_version=32").get_json()["events"]
    other.extensions["pact"].close()

    assert after["known_at"] > before["known_at"]
    assert [e["id"] for e in events] == [str(notice.event_id)]


@POOL_THREADS_USE_RANDOM
def test_cached_answers_equal_a_full_replay(store: EventStore, service_url: str) -> None:
    """GSOMIA appended one event at a time, with a correction and a retraction, so every
    known_at between two appends tells a different story; then any day, any instant."""
    gsomia = chronologies()[0]
    commands.register(store, gsomia.stream_id, gsomia.events[0])
    for new in gsomia.events[1:]:
        commands.append(store, gsomia.stream_id, [new])
    notes = [new.event_id for new in gsomia.events if isinstance(new.event, ContextNoted)]
    revisions = [
        EventCorrected(
            occurred_on=date(2024, 1, 1), corrects=notes[0], reason="test", corrected_occurred_on=date(2020, 1, 2)
        ),
        EventRetracted(occurred_on=date(2024, 1, 2), retracts=notes[1], reason="test"),
    ]
    for revision in revisions:
        commands.append(
            store, gsomia.stream_id, [NewEvent(event=revision, event_id=uuid4(), sources=gsomia.events[0].sources)]
        )
    with open_pool(service_url, DEFAULTS, size=1) as pool:
        uncached = EventStore(pool, HistoryCache(max_events=0))
        instants = sorted({r.recorded_at for r in uncached.read(gsomia.stream_id, 0, 10_000)})
        assert len(instants) == 34

        @settings(max_examples=60, deadline=None)
        @given(st.dates(date(2010, 1, 1), date(2026, 1, 1)), st.integers(0, len(instants)), st.integers(-1, 1))
        def check(on: date, nth: int, nudge: int) -> None:
            known_at = instants[nth] + timedelta(microseconds=nudge) if nth < len(instants) else None
            full = uncached.read(gsomia.stream_id, 0, 10_000, known_at)
            through_cache = store.load(gsomia.stream_id, known_at)

            assert through_cache == full
            assert replay(through_cache, on) == replay(full, on)
            assert store.replayer(gsomia.stream_id, len(full)).status(on) == replay(full, on)
            assert timeline(through_cache, date(2011, 1, 1), on) == timeline(full, date(2011, 1, 1), on)

        check()
