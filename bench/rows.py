"""The rows of the benchmark table, each a comparison of two figures from the same run."""

import http.client
import json
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.types.json import Jsonb

from bench.harness import REPETITIONS, Row, compare, rate
from bench.http_load import connect, latencies, percentile, requests_per_second
from events import ContextNoted, NewEvent
from service.cli import bulk
from service.settings import DEFAULTS
from service.storage.pool import open_pool
from service.storage.store import EventStore

GSOMIA = "/agreements/kr-jp-gsomia"
DAYS = [date(2011, 1, 15) + timedelta(days=61 * i) for i in range(80)]
SEQUENTIAL = 300  # appends per measurement
BULK = 100_000  # events per bulk import

# The raw baselines write the very rows the store writes, into the same table, with the
# database's guarantees (stamping, gapless versions, commit lag) doing their work for both.
RAW_INSERT = (
    "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, payload, sources, metadata)"
    " VALUES (%s, %s, %s, 'context_noted', '2017-01-01', %s, %s, %s)"
)
RAW_COPY = "COPY events (event_id, stream_id, version, event_type, occurred_on, payload, sources, metadata) FROM STDIN"
PAYLOAD: dict[str, object] = {"summary": "a note", "actors": [], "place": None, "note": None}
SOURCES = [{"publisher": "Bench", "title": None, "published_on": None, "url": None}]


def note(i: int = 0) -> NewEvent:
    return NewEvent(event=ContextNoted(occurred_on=date(2017, 1, 1), summary=f"note {i}"), event_id=uuid.uuid4())


def reads(base: str) -> list[Row]:
    """P1: the service's reads against a no-I/O endpoint of the same server."""
    status = [f"{GSOMIA}/status?on={day}" for day in DAYS]
    timelines = [f"{GSOMIA}/timeline?from=2011-01-01&to={day}" for day in DAYS]
    tag = etag_of(base + status[0])
    hello = ("/healthz", lambda: requests_per_second(base, ["/healthz"]))
    # Untimed: a fresh server's first seconds (imports, connections, caches) measure nothing.
    requests_per_second(base, [*status, *timelines, "/healthz"])
    return [
        compare("P1 status, varying dates", ("status", lambda: requests_per_second(base, status)), hello, "req/s", 0.8),
        compare("P1 timeline", ("timeline", lambda: requests_per_second(base, timelines)), hello, "req/s", 0.8),
        compare(
            "P1 304 revalidation",
            ("304", lambda: requests_per_second(base, status[:1], {"If-None-Match": tag})),
            hello,
            "req/s",
            0.8,
        ),
        # The ceiling for any read that asks the database once: /readyz is one pooled query.
        compare(
            "P1 (reference) one query vs none",
            ("/readyz", lambda: requests_per_second(base, ["/readyz"])),
            hello,
            "req/s",
            0.8,
        ),
    ]


def etag_of(url: str) -> str:
    """The ETag of a GET of ``url``."""
    parts = urlsplit(url)
    connection = connect(url)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        response.read()
        return response.headers["ETag"]
    finally:
        connection.close()


def appends(owner_url: str, service_url: str, base: str, token: str) -> list[Row]:
    """P2: one event per transaction, through the store and through HTTP, against raw psycopg."""
    with open_pool(service_url, DEFAULTS, size=1) as pool, psycopg.connect(owner_url) as raw:
        store = EventStore(pool)
        store_appends = ("store.append", lambda: _store_rate(store))
        raw_inserts = ("raw INSERT+COMMIT", lambda: _raw_rate(raw))
        return [
            compare("P2 appends, store vs raw", store_appends, raw_inserts, "/s", 0.8),
            compare("P2 appends, HTTP POST vs raw", ("POST", lambda: _http_rate(base, token)), raw_inserts, "/s", 0.5),
        ]


def _store_rate(store: EventStore) -> float:
    stream, version = f"bench-{uuid.uuid4()}", [0]

    def append() -> None:
        store.append(stream, [note()], version[0])
        version[0] += 1

    return rate(SEQUENTIAL, append)


def _raw_rate(raw: psycopg.Connection) -> float:
    stream, version = f"raw-{uuid.uuid4()}", [0]

    def insert() -> None:
        version[0] += 1
        raw.execute(RAW_INSERT, (uuid.uuid4(), stream, version[0], Jsonb(PAYLOAD), Jsonb(SOURCES), Jsonb({})))
        raw.commit()

    return rate(SEQUENTIAL, insert)


def _http_rate(base: str, token: str) -> float:
    connection = connect(base)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    agreement = f"bench-{uuid.uuid4().hex[:12]}"
    registration = {"id": agreement, "title": "Bench", "parties": ["A", "B"], "occurred_on": "2016-01-01"}
    _post(connection, "/agreements", registration, headers)
    body = {"events": [{"type": "context_noted", "occurred_on": "2017-01-01", "sources": [{"publisher": "Bench"}]}]}
    try:
        return rate(SEQUENTIAL, lambda: _post(connection, f"/agreements/{agreement}/events", body, headers))
    finally:
        connection.close()


def _post(connection: http.client.HTTPConnection, path: str, body: object, headers: dict[str, str]) -> None:
    connection.request("POST", path, json.dumps(body), headers)
    response = connection.getresponse()
    response.read()
    if response.status != 201:
        raise RuntimeError(f"POST {path}: {response.status}")


def bulk_import(owner_url: str) -> Row:
    """P3: importing 100,000 events (checked, by COPY) against a raw COPY of the same rows."""
    with open_pool(owner_url, DEFAULTS, size=1) as pool, psycopg.connect(owner_url) as raw:
        store = EventStore(pool)
        imported = ("import", lambda: _import_rate(store))
        copied = ("raw COPY", lambda: _copy_rate(raw))
        return compare("P3 bulk import of 100k events vs raw COPY", imported, copied, "events/s", 0.5)


def _import_rate(store: EventStore) -> float:
    agreement = f"bulk-{uuid.uuid4().hex[:12]}"
    lines = [_line(agreement, "agreement_registered", {"title": "Bulk", "parties": ["A", "B"]})]
    lines += [_line(agreement, "context_noted", {"summary": f"note {i}"}) for i in range(BULK - 1)]
    started = time.perf_counter()
    bulk.write(store, bulk.prepare(store, lines), lambda _: None)
    return BULK / (time.perf_counter() - started)


def _line(agreement: str, kind: str, payload: dict[str, object]) -> str:
    event = {"id": str(uuid.uuid4()), "agreement_id": agreement, "type": kind, "occurred_on": "2017-01-01",
             "payload": payload, "sources": SOURCES}  # fmt: skip
    return json.dumps(event)


def _copy_rate(raw: psycopg.Connection) -> float:
    stream = f"raw-{uuid.uuid4()}"
    rows = [(uuid.uuid4(), stream, v, "context_noted", date(2017, 1, 1), Jsonb({"summary": f"note {v}"}),
             Jsonb(SOURCES), Jsonb({})) for v in range(1, BULK + 1)]  # fmt: skip
    started = time.perf_counter()
    with raw.cursor().copy(RAW_COPY) as copy:
        for row in rows:
            copy.write_row(row)
    raw.commit()
    return BULK / (time.perf_counter() - started)


def peer(owner_url: str) -> list[Row]:
    """P4: against the eventsourcing library's PostgreSQL persistence, same server; both as
    the owner, since the library creates its own tables."""
    from eventsourcing.application import Application  # only the benchmark needs it

    application: Any = Application(env=_eventsourcing_env(owner_url))
    with open_pool(owner_url, DEFAULTS, size=1) as pool, psycopg.connect(owner_url) as raw:
        store = EventStore(pool)
        long = _long_stream(store, 1000)
        rebuilt = _peer_aggregate(application, 1000)
        saves = ("eventsourcing save", lambda: _peer_append_rate(application))
        return [
            compare(
                "P4 appends one at a time vs eventsourcing",
                ("store.append", lambda: _store_rate(store)),
                saves,
                "/s",
                2.0,
            ),
            # What any append could reach: a bare INSERT + COMMIT into the same table.
            compare(
                "P4 (reference) raw INSERT vs eventsourcing",
                ("raw INSERT+COMMIT", lambda: _raw_rate(raw)),
                saves,
                "/s",
                2.0,
            ),
            compare(
                "P4 status on 1,000 events vs rebuilding them",
                ("status", lambda: _status_rate(store, long)),
                ("eventsourcing get", lambda: rate(50, lambda: application.repository.get(rebuilt))),
                "/s",
                5.0,
            ),
        ]


def _eventsourcing_env(url: str) -> dict[str, str]:
    """The library reads its connection from these settings, not from a URL."""
    conninfo = psycopg.conninfo.conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(conninfo.get("dbname", "")),
        "POSTGRES_HOST": str(conninfo.get("host", "")),
        "POSTGRES_PORT": str(conninfo.get("port", "5432")),
        "POSTGRES_USER": str(conninfo.get("user", "")),
        "POSTGRES_PASSWORD": str(conninfo.get("password", "")),
        "POSTGRES_SCHEMA": "public",
        "CREATE_TABLE": "y",
    }


def _peer_aggregate(application: object, events: int) -> uuid.UUID:
    from bench.peer_model import Pact

    pact = Pact(title="Bench")
    for i in range(events - 1):
        pact.note(summary=f"note {i}")
    application.save(pact)  # type: ignore[attr-defined]
    return pact.id


def _peer_append_rate(application: object) -> float:
    from bench.peer_model import Pact

    pact = Pact(title="Bench")
    application.save(pact)  # type: ignore[attr-defined]

    def append() -> None:
        pact.note(summary="a note")
        application.save(pact)  # type: ignore[attr-defined]

    return rate(SEQUENTIAL, append)


def _long_stream(store: EventStore, events: int) -> str:
    """A registered agreement in force with ``events`` events in all, imported in bulk."""
    agreement = f"long-{uuid.uuid4().hex[:12]}"
    terms = {"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90}
    lines = [
        _line(agreement, "agreement_registered", {"title": "Long", "parties": ["A", "B"], "terms": terms}),
        _line(agreement, "signed", {}),
        _line(agreement, "entered_into_force", {}),
    ]
    lines += [_line(agreement, "context_noted", {"summary": f"note {i}"}) for i in range(events - 3)]
    bulk.write(store, bulk.prepare(store, lines), lambda _: None)
    return agreement


def _status_rate(store: EventStore, agreement: str) -> float:
    """Statuses as the service computes them: the knowledge query, then the replay."""
    days = iter(DAYS * 100)

    def status() -> None:
        knowledge = store.knowledge(agreement)
        assert knowledge is not None
        store.replayer(agreement, knowledge.version).status(next(days))

    return rate(500, status)


def concurrency(service_url: str, owner_url: str) -> list[Row]:
    """P5: four writers on four streams against one, each its own process; and, for what
    the machine allows at all, the same with raw psycopg inserts."""
    return [
        compare(
            "P5 4 concurrent writers vs 1",
            ("4 writers", lambda: _writers_rate(_write_stream, service_url, 4)),
            ("1 writer", lambda: _writers_rate(_write_stream, service_url, 1)),
            "appends/s",
            2.5,
        ),
        compare(
            "P5 (reference) raw INSERT, 4 vs 1",
            ("4 writers", lambda: _writers_rate(_write_raw, owner_url, 4)),
            ("1 writer", lambda: _writers_rate(_write_raw, owner_url, 1)),
            "inserts/s",
            2.5,
        ),
    ]


def _writers_rate(write: Callable[[str], int], url: str, writers: int) -> float:
    with ProcessPoolExecutor(writers) as pool:
        list(pool.map(_warm, [url] * writers))
        started = time.perf_counter()
        counts = list(pool.map(write, [url] * writers))
    return sum(counts) / (time.perf_counter() - started)


def _write_raw(owner_url: str) -> int:
    with psycopg.connect(owner_url) as raw:
        _raw_rate(raw)
    return SEQUENTIAL


def _warm(service_url: str) -> None:
    with psycopg.connect(service_url) as connection:
        connection.execute("SELECT 1")


def _write_stream(service_url: str) -> int:
    with open_pool(service_url, DEFAULTS, size=1) as pool:
        store = EventStore(pool)
        stream = f"writer-{uuid.uuid4()}"
        for version in range(SEQUENTIAL):
            store.append(stream, [note(version)], version)
    return SEQUENTIAL


def latency(base: str, owner_url: str) -> list[Row]:
    """P6: status latency on a 10,000-event stream against a 10-event one, over HTTP, the
    two measured alternately, each time on days not asked before (no answer is cached)."""
    with open_pool(owner_url, DEFAULTS, size=1) as pool:
        store = EventStore(pool)
        long, short = _long_stream(store, 10_000), _long_stream(store, 10)
    samples: dict[str, list[float]] = {long: [], short: []}
    for repetition in range(REPETITIONS):
        days = [date(2017, 1, 1) + timedelta(days=repetition * 400 + i) for i in range(400)]
        for agreement in (long, short):
            samples[agreement] += latencies(base, f"/agreements/{agreement}/status?on={{}}", days)
    p50 = {agreement: percentile(times, 50) for agreement, times in samples.items()}
    p99 = {agreement: percentile(times, 99) for agreement, times in samples.items()}
    return [
        Row("P6 status p50, 10k events vs 10", "10k", p50[long], "10", p50[short], "ms", 1.5, higher_is_better=False),
        Row("P6 status p99, 10k events vs 10", "10k", p99[long], "10", p99[short], "ms", 1.5, higher_is_better=False),
    ]


def worker_rss_mb(server_pid: int) -> float:
    """The resident memory of the largest gunicorn worker (a child of the master)."""
    master = _children(server_pid)
    workers = [child for pid in master for child in _children(pid)] or master
    return max(_rss_kb(pid) for pid in workers) / 1024


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    if not os.path.exists(path):
        return []
    with open(path) as children:
        return [int(child) for child in children.read().split()]


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
