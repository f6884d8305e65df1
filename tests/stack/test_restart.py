"""PostgreSQL restarted under the API's feet: while it is gone the API says so (503,
problem+json), soon after it is back the API serves again, and nothing it acknowledged
is lost."""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

import pytest

from tests.stack.conftest import Answer, Stack

SOURCE = [{"publisher": "pact-chronology compose restart test"}]
# "Within a few seconds": the pool checks each connection it lends and reconnects at once.
RECOVERY_SECONDS = 5


@pytest.fixture
def pact(stack: Stack) -> Iterator[tuple[str, str]]:
    """A fresh agreement in negotiation, which may hold any number of talks rounds, and a
    token to write to it."""
    token = stack.token(f"restart-{uuid4().hex[:8]}")
    pact = f"restart-{uuid4().hex[:8]}"
    registration = {"id": pact, "title": "A restart-test pact", "parties": ["A", "B"], "terms": {}}
    opened = {"events": [{"type": "negotiations_opened", "occurred_on": "2020-01-02", "sources": SOURCE}]}
    assert stack.ask("POST", "/agreements", {**registration, "occurred_on": "2020-01-01"}, token).status == 201
    assert stack.ask("POST", f"/agreements/{pact}/events", opened, token).status == 201
    yield pact, token
    # Leave the stack as found: the next test may ask about PostgreSQL's health.
    assert until(lambda: stack.container("postgres")["State"]["Health"]["Status"] == "healthy", 60) is not None


def until(condition: Callable[[], bool], seconds: float) -> float | None:
    """How long until ``condition`` held (asked every 50 ms), or None if not within ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def every_event(stack: Stack, agreement: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = stack.ask("GET", f"/agreements/{agreement}/events?after_version={after}&limit=1000").body
        events += page["events"]
        after = page["next_after_version"]
    return events


def is_database_unavailable(answer: Answer) -> bool:
    return (
        answer.status == 503
        and answer.content_type == "application/problem+json"
        and "Retry-After" in answer.headers
        and answer.body["type"].endswith("/database-unavailable")
    )


def test_while_postgres_is_stopped_the_api_answers_503_and_serves_again_once_started(
    stack: Stack, pact: tuple[str, str]
) -> None:
    agreement, _ = pact
    stack.run("stop", "postgres")
    try:
        down = stack.ask("GET", f"/agreements/{agreement}/status")
        healthz = stack.ask("GET", "/healthz")
    finally:
        stack.run("start", "postgres")
    back_after = until(lambda: stack.ask("GET", f"/agreements/{agreement}/status").status == 200, RECOVERY_SECONDS * 4)

    assert is_database_unavailable(down), down
    assert healthz.status == 200
    assert back_after is not None


def test_a_restart_under_load_loses_nothing_acknowledged(stack: Stack, pact: tuple[str, str]) -> None:
    agreement, token = pact
    acknowledged: list[str] = []
    refusals: list[Answer] = []
    stop = threading.Event()

    def write() -> None:
        round_number = 0
        while not stop.is_set():
            round_number += 1
            talks = {"type": "talks_round_held", "occurred_on": "2020-02-01", "payload": {"round": round_number}}
            answer = stack.ask(
                "POST", f"/agreements/{agreement}/events", {"events": [{**talks, "sources": SOURCE}]}, token
            )
            if answer.status == 201:
                acknowledged.extend(answer.body["event_ids"])
            else:
                refusals.append(answer)

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        assert until(lambda: len(acknowledged) >= 5, 30) is not None
        stack.run("restart", "postgres")
        back_after = until(lambda: stack.ask("GET", "/readyz").status == 200, RECOVERY_SECONDS)
        written_before = len(acknowledged)
        assert until(lambda: len(acknowledged) > written_before, RECOVERY_SECONDS) is not None
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=30)
    stored = every_event(stack, agreement)

    assert back_after is not None, f"not ready {RECOVERY_SECONDS} s after the restart"
    assert all(is_database_unavailable(refusal) for refusal in refusals), refusals
    assert set(acknowledged) <= {event["id"] for event in stored}
    assert [event["version"] for event in stored] == list(range(1, len(stored) + 1))
