"""Rows P8-P11 (issue 15): a read carrying a fresh consistency token, how soon a second
server hears of a write, reads on a hot standby against the same reads on the primary,
and what the HTTP server itself costs under the same app.

Every figure is measured against its reference in the same run, interleaved."""

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import quote

import psycopg
from psycopg.conninfo import make_conninfo

from bench.harness import REPETITIONS, Row, compare
from bench.http_load import connect, percentile, requests_per_second
from bench.replication import free_port, replicated
from bench.rows import DAYS, GSOMIA, etag_of, note
from events import AgreementRegistered, NewEvent, Party, Terms
from service.settings import DEFAULTS
from service.storage.database import SERVICE_ROLE, migrate, service_role_url
from service.storage.knowledge.shared_writes import SharedWrites
from service.storage.knowledge.versions import KnownVersions
from service.storage.pool import open_pool
from service.storage.sql import APPENDS
from service.storage.store import EventStore

HELLO = "/healthz"
NOTIFIED = 100  # appends per delay measurement
BUDGET_MS = 50.0  # the bound on a notification's p99


def token_reads(base: str, token: str) -> list[Row]:
    """P8: status reads carrying the token of a write this server just acknowledged."""
    stream = f"bench-token-{int(time.time())}"
    consistency = _append_over_http(base, token, stream)
    paths = [f"/agreements/{stream}/status?on={day}" for day in DAYS]
    headers = {"Consistency-Token": consistency}
    requests_per_second(base, paths, headers)  # untimed: the first replay of the new stream
    return [
        compare(
            "P8 status with a fresh own-write token",
            ("token", lambda: requests_per_second(base, paths, headers)),
            (HELLO, lambda: requests_per_second(base, [HELLO])),
            "req/s",
            0.6,
        )
    ]


def notification_delay(owner_url: str, service_url: str) -> list[Row]:
    """P9: from a writer's commit to a second server knowing the new version, against a bare
    LISTEN connection hearing the same notification, and against the 50 ms budget."""
    second_server = KnownVersions(service_url, SharedWrites())
    pool = open_pool(owner_url, DEFAULTS, size=1)
    try:
        store = EventStore(pool)
        stream = f"bench-notify-{int(time.time())}"
        store.append(stream, [_registration()], 0)
        while not second_server.live:
            time.sleep(0.01)
        with psycopg.connect(owner_url, autocommit=True) as bare:
            bare.execute(f"LISTEN {APPENDS}")
            memory: list[float] = []
            listener: list[float] = []
            for _ in range(REPETITIONS):
                memory += _delays(store, stream, lambda version: second_server.at_least(stream, version, 5) is not None)
                listener += _delays(store, stream, lambda _: any(True for _ in bare.notifies(timeout=5, stop_after=1)))
    finally:
        second_server.close()
        pool.close()
    name = "P9 commit to a second server's memory"
    return [
        _fixed(f"{name}, p50 vs bare LISTEN", "memory", percentile(memory, 50), "LISTEN", percentile(listener, 50), 3),
        _fixed(f"{name}, p99 vs bare LISTEN", "memory", percentile(memory, 99), "LISTEN", percentile(listener, 99), 3),
        _fixed(f"{name}, p99 vs the 50 ms budget", "memory", percentile(memory, 99), "budget", BUDGET_MS, 1),
    ]


def replica_reads(password: str, serve: Callable[..., AbstractContextManager[tuple[str, int]]]) -> list[Row]:
    """P10: reads that ask the database (a question about a settled instant), served by a
    hot standby, against the same reads on a server without one, on the same primary."""
    with replicated() as cluster:
        owner = cluster.url(cluster.primary_port)
        with psycopg.connect(owner, autocommit=True) as connection:
            connection.execute("CREATE DATABASE pact_bench")
        owner_url = cluster.url(cluster.primary_port, "pact_bench")
        migrate(owner_url)
        service_role_url(owner_url, password)
        standby = make_conninfo(cluster.url(cluster.standby_port, "pact_bench"), user=SERVICE_ROLE, password=password)
        with serve(owner_url, password) as (primary_only, _):
            seeded = datetime.now(UTC)
            with serve(owner_url, password, PACT_REPLICA_URLS=standby) as (with_replica, _):
                _until_settled(seeded)
                paths = [_settled_status(day, seeded, i) for i, day in enumerate(DAYS)]
                requests_per_second(with_replica, paths)  # untimed: replays and the standby's first reads
                requests_per_second(primary_only, paths)
                return [
                    compare(
                        "P10 status as of a settled instant, replica vs primary",
                        ("replica", lambda: requests_per_second(with_replica, paths)),
                        ("primary", lambda: requests_per_second(primary_only, paths)),
                        "req/s",
                        0.8,
                    )
                ]


def servers(base: str, service_url: str) -> list[Row]:
    """P11: the same reads under `serve` (gunicorn with the service's worker) and under
    Granian's WSGI mode, on the same app and database with as many workers and threads,
    interleaved: what the HTTP server itself costs a read."""
    status = [f"{GSOMIA}/status?on={day}" for day in DAYS]
    reads: dict[str, list[str]] = {
        HELLO: [HELLO],
        "status on a day": status,
        "status about now": [f"{GSOMIA}/status"],
        "timeline": [f"{GSOMIA}/timeline?from=2011-01-01&to={day}" for day in DAYS],
        "events page": [f"{GSOMIA}/events?limit=10&after_version={version}" for version in range(20)],
    }
    with _granian(service_url) as granian:
        for server in (base, granian):  # untimed: each server's first replays and connections
            requests_per_second(server, [path for paths in reads.values() for path in paths])
        rows = [
            compare(
                f"P11 {name}, gunicorn vs Granian (WSGI)",
                ("gunicorn", partial(requests_per_second, base, paths)),
                ("granian", partial(requests_per_second, granian, paths)),
                "req/s",
                1.0,
            )
            for name, paths in reads.items()
        ]
        revalidations = {server: {"If-None-Match": etag_of(server + status[0])} for server in (base, granian)}
        rows.append(
            compare(
                "P11 304 revalidation, gunicorn vs Granian (WSGI)",
                ("gunicorn", partial(requests_per_second, base, status[:1], revalidations[base])),
                ("granian", partial(requests_per_second, granian, status[:1], revalidations[granian])),
                "req/s",
                1.0,
            )
        )
        return rows


def _append_over_http(base: str, token: str, stream: str) -> str:
    """Register ``stream`` and append a note to it over HTTP; the note's consistency token."""
    connection = connect(base)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    registration = {"id": stream, "title": "Bench", "parties": ["A", "B"], "terms": None, "occurred_on": "2016-01-01"}
    noted = {
        "type": "context_noted",
        "occurred_on": "2017-01-01",
        "payload": {"summary": "x"},
        "sources": [{"publisher": "Bench"}],
    }
    try:
        for path, body in (("/agreements", registration), (f"/agreements/{stream}/events", {"events": [noted]})):
            connection.request("POST", path, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 201:
                raise SystemExit(f"POST {path}: {response.status} {answer[:300]!r}")
        return str(response.headers["Consistency-Token"])
    finally:
        connection.close()


def _registration() -> NewEvent:
    parties = (Party("bench-a", "A"), Party("bench-b", "B"))
    terms = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90)
    registered = AgreementRegistered(occurred_on=DAYS[0], title="Bench", parties=parties, terms=terms)
    return NewEvent(event=registered, event_id=uuid.uuid4())


def _delays(store: EventStore, stream: str, heard: Callable[[int], bool]) -> list[float]:
    """Milliseconds from an append's start to ``heard`` of its version, NOTIFIED times."""
    delays = []
    for _ in range(NOTIFIED):
        version = store.version(stream) + 1
        started = time.perf_counter()
        store.append(stream, [note()], version - 1)
        assert heard(version)
        delays.append((time.perf_counter() - started) * 1000)
    return delays


def _fixed(name: str, a_label: str, a: float, b_label: str, b: float, goal: float) -> Row:
    return Row(name, a_label, a, b_label, b, "ms", goal, higher_is_better=False)


def _until_settled(instant: datetime) -> None:
    """A question about ``instant`` may go to a replica once everything that could still
    commit up to it has (the commit-lag bound and a second): wait that out."""
    time.sleep(max(0.0, (instant + timedelta(seconds=12) - datetime.now(UTC)).total_seconds()))


def _settled_status(day: object, seeded: datetime, i: int) -> str:
    """A status as of an instant after the seed, each a question of its own (no answer is reused)."""
    instant = quote((seeded - timedelta(milliseconds=i)).isoformat())
    return f"{GSOMIA}/status?on={day}&known_at={instant}"


@contextmanager
def _granian(service_url: str) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--factory", "service.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--blocking-threads", "8",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, "DATABASE_URL": service_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _until_answering(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _until_answering(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = connect(base)
            connection.request("GET", HELLO)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not answer")
