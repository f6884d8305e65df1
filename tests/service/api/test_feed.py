"""The feed of all events: gap-safe catch-up, and a live stream that resumes where it was."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from uuid import uuid4

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from events import NewEvent
from events.record.types import ContextNoted
from service.storage.results import START, Cursor
from service.storage.store import EventStore
from tests.service.client import problem


def note() -> NewEvent:
    return NewEvent(event=ContextNoted(occurred_on=date(2020, 1, 1)), event_id=uuid4())


def read_all(store: EventStore, count: int, after: Cursor = START, limit: int = 7) -> list[tuple[Cursor, str]]:
    """Page through the feed until ``count`` events after ``after`` have come, and check
    that no more do. The feed shows an event once every transaction older than it has
    ended anywhere on the server -- other tests' too, on a server they share -- so a page
    may come up short for a moment."""
    seen: list[tuple[Cursor, str]] = []
    deadline = time.monotonic() + 30
    while len(seen) < count:
        page = store.feed(after, limit)
        seen += [(cursor, str(record.event_id)) for cursor, record in page]
        after = page[-1][0] if page else after
        if not page:
            assert time.monotonic() < deadline, f"the feed showed {len(seen)} of {count} events"
            threading.Event().wait(0.02)
    assert store.feed(after, limit) == []
    return seen


def test_the_feed_pages_through_every_event_once(client: FlaskClient, seeded: EventStore) -> None:
    ids, after = [], "0-0"
    while len(ids) < 70:  # waiting, should another test's transaction hold the feed back
        body = client.get(f"/events?after={after}&limit=5&wait=10").get_json()
        ids += [event["id"] for event in body["events"]]
        assert body["next_after"] == (body["events"][-1]["cursor"] if body["events"] else after)
        after = body["next_after"]
    last = client.get(f"/events?after={after}&limit=5").get_json()

    assert last["events"] == [] and last["next_after"] == after
    stored = [str(r.event_id) for stream in seeded.stream_ids() for r in seeded.load(stream)]
    assert sorted(ids) == sorted(stored) and len(ids) == 70


@pytest.mark.parametrize("query", ["after=12", "after=-1-2", "after=1-2-3", "after=99999999999999999999-1", "limit=0"])
def test_bad_feed_queries_are_400(client: FlaskClient, query: str) -> None:
    problem(client.get(f"/events?{query}"), 400, "invalid-query")


def test_the_feed_waits_for_a_transaction_still_open_then_delivers_everything_once(
    store: EventStore, database_url: str
) -> None:
    store.append("early", [note()], 0)
    before = read_all(store, 1)
    with psycopg.connect(database_url) as slow:
        slow.execute(
            "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, payload)"
            " VALUES (%s, 'slow', 1, 'context_noted', '2020-01-01', '{}')",
            (uuid4(),),
        )
        for stream in ("a", "b", "c"):
            store.append(stream, [note()], 0)
        while_open = store.feed(before[-1][0], 100)
        slow.commit()
    after_commit = read_all(store, 4, before[-1][0])

    assert while_open == []
    assert [cursor for cursor, _ in after_commit] == sorted(cursor for cursor, _ in after_commit)
    streams = [record.stream_id for _, record in store.feed(before[-1][0], 100)]
    assert streams == ["slow", "a", "b", "c"]
    assert len({event_id for _, event_id in before + after_commit}) == 5


def test_a_reader_following_sixteen_writers_sees_every_event_exactly_once(store: EventStore) -> None:
    writing = threading.Event()
    writing.set()
    seen: list[tuple[Cursor, str]] = []

    def follow() -> None:
        after = START
        while True:
            finished = not writing.is_set()  # before reading: the last read sees every write
            page = store.feed(after, 50)
            seen.extend((cursor, str(record.event_id)) for cursor, record in page)
            after = page[-1][0] if page else after
            # Once every write is done, the feed shows them all as soon as no transaction
            # older than theirs is open anywhere on the server.
            if finished and not page and len(seen) >= 160:
                return

    def write(index: int) -> None:
        for _ in range(5):
            store.append(f"s{index % 4}-{index}", [note(), note()], store.version(f"s{index % 4}-{index}"))

    reader = threading.Thread(target=follow)
    writers = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    reader.join()

    stored = [event_id for _, event_id in read_all(store, 160)]
    assert len(stored) == 160
    assert [event_id for _, event_id in seen] == stored
    assert [cursor for cursor, _ in seen] == sorted(cursor for cursor, _ in seen)


def test_appends_notify_listeners_after_they_commit(store: EventStore, database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("LISTEN pact_events")
        store.append("told", [note()], 0)

        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]

    assert heard == ["told"]


def events_of(response: object, count: int) -> Iterator[dict[str, str]]:
    """Parse Server-Sent Events from a streamed test response, ``count`` of them."""
    buffer = ""
    for chunk in response.response:  # type: ignore[attr-defined]
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
            if "id" in fields:
                yield fields
                count -= 1
                if count == 0:
                    return


def test_the_stream_catches_up_follows_and_resumes(app: Flask, client: FlaskClient, seeded: EventStore) -> None:
    app.config["STREAM_SECONDS"] = 30
    with client.get("/events/stream", buffered=False) as response:
        assert response.mimetype == "text/event-stream"
        first = list(events_of(response, 70))
        seeded.append("kr-us-jp-tisa", [note()], 2)
        live = list(events_of(response, 1))
    with client.get("/events/stream", headers={"Last-Event-ID": first[9]["id"]}, buffered=False) as resumed:
        rest = list(events_of(resumed, 61))

    assert [e["id"] for e in rest] == [e["id"] for e in first[10:] + live]
    assert live[0]["event"] == "event" and json.loads(live[0]["data"])["agreement_id"] == "kr-us-jp-tisa"


def test_live_streams_are_bounded_per_worker(app: Flask, client: FlaskClient) -> None:
    app.extensions["pact_streams"] = threading.BoundedSemaphore(1)
    with client.get("/events/stream", buffered=False):
        refused = client.get("/events/stream", buffered=False)
    with client.get("/events/stream", buffered=False) as accepted:
        assert accepted.status_code == 200

    problem(refused, 503, "streams-exhausted")
    assert refused.headers["Retry-After"]


def test_a_bad_last_event_id_is_400(client: FlaskClient) -> None:
    body = problem(client.get("/events/stream", headers={"Last-Event-ID": "nope"}), 400, "invalid-query")

    assert body["errors"][0]["parameter"] == "Last-Event-ID"
