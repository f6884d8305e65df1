"""Read-your-writes over real sockets: a server of several workers answers every read after
a write it acknowledged with that write, and a second server on the same database does so
for a read that carries the write's consistency token."""

import json
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Serve
from tests.service.client import PACT, event


def ask(base: str, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, dict[str, str], Any]:
    """One request on a connection of its own, so the server may hand it to any worker."""
    where = urlsplit(base)
    connection = HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        payload = json.dumps(body) if body is not None else None
        sent = {"Content-Type": "application/json", **headers} if body is not None else headers
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        text = response.read()
        return response.status, dict(response.getheaders()), json.loads(text) if text.startswith(b"{") else text
    finally:
        connection.close()


def newest_version(base: str, **headers: str) -> int:
    status, _, page = ask(base, "GET", "/agreements/test-pact/events?limit=1000", **headers)
    assert status == 200
    return int(page["events"][-1]["version"])


def memory_reads(base: str) -> float:
    _, _, text = ask(base, "GET", "/metrics")
    samples = [s for f in text_string_to_metric_families(text.decode()) for s in f.samples]
    return sum(s.value for s in samples if s.name == "pact_knowledge_reads_total" and s.labels["source"] == "memory")


def test_every_read_after_a_write_the_server_acknowledged_sees_it_on_any_worker(serve: Serve, token: str) -> None:
    base = serve("--workers", "2").url
    writer = {"Authorization": f"Bearer {token}"}
    assert ask(base, "POST", "/agreements", PACT, **writer)[0] == 201
    for version in range(2, 26):
        status, _, _ = ask(
            base, "POST", "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]}, **writer
        )
        assert status == 201

        assert [newest_version(base) for _ in range(4)] == [version] * 4
    assert memory_reads(base) > 0


def test_another_server_sees_a_write_at_once_when_the_read_carries_its_token(serve: Serve, token: str) -> None:
    here, there = serve("--workers", "1").url, serve("--workers", "1").url
    writer = {"Authorization": f"Bearer {token}"}
    ask(here, "POST", "/agreements", PACT, **writer)
    for version in range(2, 12):
        _, headers, body = ask(
            here, "POST", "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]}, **writer
        )
        assert headers["Consistency-Token"] == body["consistency_token"]

        assert newest_version(there, **{"Consistency-Token": headers["Consistency-Token"]}) == version
