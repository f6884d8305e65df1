"""PostgreSQL stopped and started again under load: the service answers fast throughout
(503 problem+json with Retry-After while the database is gone, /healthz always), serves
again within 2 s of the database's return, and loses or half-writes nothing."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request, urlopen
from uuid import uuid4

import pgserver
import psycopg
import pytest

from service.storage import tokens
from tests.e2e.conftest import Serve

LIMIT = 2.0  # seconds: no answer may take longer, and the service is back this soon
WRITERS = 3
PATIENCE = 60.0  # seconds any phase of the test may take before it fails


@dataclass
class Postgres:
    """A server of this test's own, so stopping it disturbs no other test."""

    server: Any
    url: str

    def ctl(self, *args: str) -> None:
        pgserver.pg_ctl(list(args), pgdata=self.server.pgdata, user=self.server.system_user, timeout=30)

    def stop(self) -> None:
        self.ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        socket_dir = parse_qs(urlsplit(self.url).query)["host"][0]
        self.ctl("-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(self.server.log), "start")


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Postgres]:
    server = pgserver.get_server(tmp_path / "pgdata", cleanup_mode="delete")
    yield Postgres(server, server.get_uri())
    server.cleanup()


@dataclass
class Outcome:
    kind: str
    started: float
    elapsed: float
    status: int | None  # None: no answer in time
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    batch: tuple[str, str] | None = None


class Load:
    """Writers appending batches of two events, each also reading a status and /healthz,
    until told to stop. Every outcome is kept; waiting is on conditions, not on time."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.outcomes: list[Outcome] = []
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(WRITERS)]

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=PATIENCE)

    def wait_for(self, predicate: Any, what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.outcomes), timeout=PATIENCE), what

    def _run(self) -> None:
        while not self.stopping.is_set():
            batch = (str(uuid4()), str(uuid4()))
            events = [{"id": event_id, "type": "context_noted", "occurred_on": "2020-01-01",
                       "sources": [{"publisher": "Outage test"}]} for event_id in batch]  # fmt: skip
            self._record("append", "/agreements/kr-jp-gsomia/events", {"events": events}, batch)
            self._record("status", "/agreements/kr-jp-gsomia/status?on=2019-09-01")
            self._record("health", "/healthz")

    def _record(self, kind: str, path: str, body: Any = None, batch: tuple[str, str] | None = None) -> None:
        request = Request(self.base + path)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
            request.add_header("Authorization", f"Bearer {self.token}")
        started = time.monotonic()
        outcome = Outcome(kind, started, 0.0, None, batch=batch)
        try:
            with urlopen(request, timeout=LIMIT) as response:
                outcome.status, outcome.headers, outcome.body = response.status, dict(response.headers), response.read()
        except HTTPError as error:
            outcome.status, outcome.headers, outcome.body = error.code, dict(error.headers), error.read()
        except OSError:
            outcome.status = None  # timed out or refused: recorded, and asserted on below
        outcome.elapsed = time.monotonic() - started
        with self.changed:
            self.outcomes.append(outcome)
            self.changed.notify_all()


def succeeded(outcome: Outcome) -> bool:
    return outcome.status in (200, 201)


def started_after(outcomes: list[Outcome], kind: str, instant: float, only_successes: bool = False) -> int:
    return sum(o.kind == kind and o.started > instant and (succeeded(o) or not only_successes) for o in outcomes)


OUR_EVENTS = """SELECT event_id::text FROM events WHERE sources @> '[{"publisher": "Outage test"}]'"""
VERSIONS = "SELECT version FROM events WHERE stream_id = 'kr-jp-gsomia' ORDER BY version"


def test_the_service_rides_out_a_database_restart(serve: Serve, postgres: Postgres) -> None:
    base = serve("--workers", "1", DATABASE_URL=postgres.url).url
    with psycopg.connect(postgres.url, autocommit=True) as owner:
        token = tokens.create(owner, "outage-test")

    with Load(base, token) as load:
        load.wait_for(lambda done: started_after(done, "append", 0, only_successes=True) >= 5, "appends before")
        postgres.stop()
        down = time.monotonic()
        load.wait_for(
            lambda done: min(started_after(done, kind, down) for kind in ("append", "status", "health")) >= 3,
            "requests while the database is down",
        )
        postgres.start()
        back = time.monotonic()
        load.wait_for(
            lambda done: started_after(done, "append", back + LIMIT, only_successes=True) >= 5,
            "appends after the database is back",
        )

    outcomes = load.outcomes
    assert [o for o in outcomes if o.status is None or o.elapsed > LIMIT] == [], "every request answers within 2 s"
    while_down = [o for o in outcomes if down < o.started and o.started + o.elapsed < back]
    assert {o.status for o in while_down if o.kind == "health"} == {200}
    for outcome in (o for o in while_down if o.kind != "health"):
        assert outcome.status == 503 and outcome.headers["Content-Type"] == "application/problem+json"
        assert outcome.headers["Retry-After"] and json.loads(outcome.body)["type"] == "/problems/database-unavailable"
    assert all(succeeded(o) for o in outcomes if o.started > back + LIMIT), "serving again within 2 s"

    with psycopg.connect(postgres.url) as owner:
        stored = [row[0] for row in owner.execute(OUR_EVENTS)]
        versions = [row[0] for row in owner.execute(VERSIONS)]
    acknowledged = {event_id for o in outcomes if o.batch and succeeded(o) for event_id in o.batch}
    batches = {event_id: o.batch for o in outcomes if o.batch for event_id in o.batch}
    assert acknowledged <= set(stored), "nothing acknowledged was lost"
    assert len(stored) == len(set(stored)), "nothing was stored twice"
    assert all(set(batches[event_id]) <= set(stored) for event_id in stored), "no batch was half-written"
    assert versions == list(range(1, len(versions) + 1))
