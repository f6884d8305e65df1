"""The scale profile, as `docker compose --profile scale --profile replica up` starts it:
two API servers on one PostgreSQL and its standby, behind nginx, which balances them and
keeps the immutable permalinks. Everything here goes through the front door only
(PACT_BASE_URL: nginx), as a client of a deployment beyond one machine would."""

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.stack.conftest import Stack

SOURCES = [{"publisher": "Compose stage"}]
NOTE = {"type": "context_noted", "occurred_on": "2020-01-01", "payload": {"summary": "scale"}, "sources": SOURCES}
READER_THREADS = 4


def until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.5)


def healthy(stack: Stack, service: str) -> bool:
    return bool(stack.container(service)["State"].get("Health", {}).get("Status") == "healthy")


def answers(stack: Stack) -> bool:
    try:
        return stack.ask("GET", "/healthz").status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def agreement(stack: Stack) -> tuple[str, str]:
    """An agreement of this module's own, and a write token."""
    until(lambda: answers(stack))  # nginx has started
    token = stack.token(f"scale-{time.time_ns()}")
    agreement_id = f"scale-{time.time_ns()}"
    registration = {"id": agreement_id, "title": "Scale", "parties": ["A", "B"], "terms": None}
    answer = stack.ask("POST", "/agreements", registration | {"occurred_on": "2016-01-01", "sources": SOURCES}, token)
    assert answer.status == 201, answer.body
    return agreement_id, token


def test_every_read_carrying_a_write_s_token_sees_it_whichever_server_answers(
    stack: Stack, agreement: tuple[str, str]
) -> None:
    agreement_id, token = agreement
    right, servers = 0, set()
    for _ in range(100):
        written = stack.ask("POST", f"/agreements/{agreement_id}/events", {"events": [NOTE]}, token)
        assert written.status == 201, written.body
        consistency = {"Consistency-Token": written.headers["Consistency-Token"]}
        for _ in range(2):
            read = stack.ask("GET", f"/agreements/{agreement_id}/events?limit=1000", headers=consistency)
            right += read.status == 200 and read.body["events"][-1]["version"] == written.body["version"]
            servers.add(read.headers["X-Upstream"])

    assert right == 200
    assert len(servers) == 2  # both servers answered


def test_a_permalink_s_second_read_is_a_cache_hit_with_the_same_body(stack: Stack, agreement: tuple[str, str]) -> None:
    agreement_id, _ = agreement
    about_now = stack.ask("GET", f"/agreements/{agreement_id}/status")
    where = urlsplit(about_now.headers["Content-Location"])
    permalink = f"{where.path}?{where.query}"
    # A permalink is immutable once nothing can still be recorded before its instant (the
    # commit-lag bound); until then it is no-cache, and the cache asks a server each time.
    until(lambda: "immutable" in stack.ask("GET", permalink).headers["Cache-Control"], seconds=60)

    first, second = stack.ask("GET", permalink), stack.ask("GET", permalink)

    assert about_now.headers["X-Cache-Status"] != "HIT"  # an answer about now is no-cache
    assert (first.status, second.status) == (200, 200)
    assert second.headers["X-Cache-Status"] == "HIT" and second.body == first.body


def test_one_server_stopped_under_read_load_costs_no_failed_read(stack: Stack) -> None:
    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                statuses.append(stack.ask("GET", "/agreements/kr-jp-gsomia/status?on=2019-09-01").status)
            except OSError:
                statuses.append(0)

    readers = [threading.Thread(target=read) for _ in range(READER_THREADS)]
    for reader in readers:
        reader.start()
    try:
        stack.run("stop", "api-2")  # SIGTERM, as a rolling deploy sends it
        stopped_at = len(statuses)
        until(lambda: len(statuses) > stopped_at + 200)  # the other server carries the load alone
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        stack.run("start", "api-2")
    until(lambda: healthy(stack, "api-2"))

    assert statuses and set(statuses) == {200}


def test_with_the_standby_stopped_reads_stay_right(stack: Stack, agreement: tuple[str, str]) -> None:
    agreement_id, token = agreement
    stack.run("stop", "replica")
    try:
        for _ in range(20):
            written = stack.ask("POST", f"/agreements/{agreement_id}/events", {"events": [NOTE]}, token)
            consistency = {"Consistency-Token": written.headers["Consistency-Token"]}
            read = stack.ask("GET", f"/agreements/{agreement_id}/events?limit=1000", headers=consistency)
            past = stack.ask("GET", "/agreements/kr-jp-gsomia/status?on=2019-09-01")

            assert (written.status, read.status, past.status) == (201, 200, 200)
            assert read.body["events"][-1]["version"] == written.body["version"]
    finally:
        stack.run("start", "replica")
    until(lambda: healthy(stack, "replica"))
