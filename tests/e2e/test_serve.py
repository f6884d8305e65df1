"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import json
import os
import socket
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import psycopg
from prometheus_client.parser import text_string_to_metric_families
from psycopg.conninfo import make_conninfo

from tests.command_line import cli
from tests.conftest import service_password
from tests.e2e.conftest import Serve
from tests.service.api.test_long_poll import listening, until


def get(url: str) -> dict:  # type: ignore[type-arg]
    with urlopen(url, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_serve_loads_the_chronology_and_answers_over_http(served: str) -> None:
    status = get(f"{served}/agreements/kr-jp-gsomia/status?on=2019-11-22")
    ready = get(f"{served}/readyz")

    assert status["phase"] == "in_force"
    assert status["termination"]["state"] == "suspended"
    assert ready["status"] == "ready"


def test_the_served_api_connects_as_the_service_role(served: str, connection: psycopg.Connection) -> None:
    get(f"{served}/agreements/kr-jp-gsomia/status?on=2019-11-22")

    users = connection.execute(
        "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()

    assert users == [("pact_api",)]


def test_the_compose_split_bootstrap_as_owner_then_serve_as_the_service_role(
    serve: Serve, empty_database_url: str, server_url: str
) -> None:
    # The role belongs to the whole server, which other tests (and in compose, the API)
    # share: bootstrap sets the password they all use.
    password = service_password(server_url)
    bootstrapped = cli("bootstrap", database_url=empty_database_url, PACT_SERVICE_PASSWORD=password)
    service_url = make_conninfo(empty_database_url, user="pact_api", password=password)

    base = serve("--workers", "1", DATABASE_URL=service_url).url

    assert bootstrapped.returncode == 0, bootstrapped.stderr
    assert "role pact_api may log in" in bootstrapped.stdout
    assert get(f"{base}/agreements/kr-jp-gsomia/status?on=2019-09-01")["termination"]["state"] == "pending"
    assert get(f"{base}/readyz")["status"] == "ready"


def test_a_live_stream_frees_its_slot_as_soon_as_its_client_leaves(serve: Serve) -> None:
    # No heartbeat within the test: only noticing the client has gone can end the stream.
    server = serve("--workers", "1", PACT_MAX_STREAMS="1", PACT_STREAM_HEARTBEAT_SECONDS="600")
    end = end_of_feed(server.url)  # a quiet stream: nothing to send
    request = f"GET /events/stream?after={end} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    port = int(server.url.rsplit(":", 1)[1])

    with socket.create_connection(("127.0.0.1", port), timeout=30) as first:
        first.sendall(request)
        assert first.recv(65536).startswith(b"HTTP/1.1 200")
        refused = urlopen_status(server.url + "/events/stream")
    server.wait_for_log(f'"query": "after={end}", "status": 200')  # logged once the stream ended
    # gunicorn logs a response before closing it, which is when the slot is freed: ask
    # again for a moment (the stream itself would last another five minutes).
    deadline = time.monotonic() + 5
    while True:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as second:
            second.sendall(request)
            accepted = second.recv(65536)
        if not accepted.startswith(b"HTTP/1.1 503") or time.monotonic() > deadline:
            break

    assert refused == 503
    assert accepted.startswith(b"HTTP/1.1 200")


def test_a_live_stream_over_a_real_socket_sends_the_events_at_once(serve: Serve) -> None:
    server = serve("--workers", "1", PACT_STREAM_SECONDS="600")
    first = get(f"{server.url}/events?limit=1")["events"][0]
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as stream:
        stream.sendall(b"GET /events/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while f"id: {first['cursor']}".encode() not in received:
            chunk = stream.recv(65536)  # a stream that waited on its own socket would time out here
            assert chunk, received
            received += chunk


def test_the_logs_are_json_lines_and_name_each_request_by_its_id(serve: Serve) -> None:
    server = serve("--workers", "2")
    with urlopen(Request(f"{server.url}/agreements/kr-jp-gsomia", headers={"X-Request-ID": "e2e-17"}), timeout=30):
        pass
    server.wait_for_log('"request_id": "e2e-17"')

    served = [json.loads(line) for line in server.lines if line.startswith("{")]
    access = next(entry for entry in served if entry.get("request_id") == "e2e-17")
    assert (access["method"], access["path"], access["status"]) == ("GET", "/agreements/kr-jp-gsomia", 200)
    assert {entry["logger"] for entry in served} >= {"gunicorn.error", "gunicorn.access"}


def test_metrics_add_up_across_workers(serve: Serve) -> None:
    server = serve("--workers", "2")
    for _ in range(20):  # new connections, so both workers answer some
        get(f"{server.url}/healthz")
    with urlopen(f"{server.url}/metrics", timeout=30) as response:
        text = response.read().decode()

    total = sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "pact_http_requests_total" and sample.labels["route"] == "/healthz"
    )
    assert total == 20


def end_of_feed(url: str, count: int = 28) -> str:
    """The cursor after the ``count`` events the seeded store holds, waited for with the
    feed's long-poll: the feed shows an event once every transaction older than it has
    ended anywhere on the server, other tests' too."""
    cursor, seen = "0-0", 0
    while seen < count:
        page = get(f"{url}/events?after={cursor}&limit=1000&wait=10")
        seen, cursor = seen + len(page["events"]), page["next_after"]
    return str(cursor)


def urlopen_status(url: str) -> int:
    try:
        with urlopen(url, timeout=30) as response:
            return int(response.status)
    except HTTPError as error:
        return error.code


def test_a_stream_ends_as_soon_as_its_client_hangs_up(serve: Serve) -> None:
    # Neither the stream's end nor a heartbeat comes within the test: only the hang-up can.
    server = serve("--workers", "1", PACT_STREAM_SECONDS="600", PACT_STREAM_HEARTBEAT_SECONDS="600")
    end = end_of_feed(server.url)
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(f"GET /events/stream?after={end} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
    server.wait_for_log(f'"query": "after={end}", "status": 200', timeout=5)


def test_a_long_poll_ends_as_soon_as_its_client_hangs_up(serve: Serve, connection: psycopg.Connection) -> None:
    server = serve("--workers", "1")
    end = end_of_feed(server.url)
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(f"GET /events?after={end}&wait=30 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        until(lambda: listening(connection) == 1)
    server.wait_for_log(f'"query": "after={end}&wait=30", "status": 200', timeout=5)
    until(lambda: listening(connection) == 0)


def test_a_client_that_sends_bytes_into_its_stream_does_not_make_it_spin(serve: Serve) -> None:
    server = serve("--workers", "1", PACT_STREAM_SECONDS="3", PACT_STREAM_HEARTBEAT_SECONDS="600")
    end = end_of_feed(server.url)
    port = int(server.url.rsplit(":", 1)[1])
    before = _cpu_seconds(server.process.pid)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(f"GET /events/stream?after={end} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        received = client.recv(65536)  # the stream has begun: what comes now stays unread
        client.sendall(b"unexpected bytes")
        while b"0\r\n\r\n" not in received:  # the stream's last chunk, after PACT_STREAM_SECONDS
            received += client.recv(65536)
    # Polling once a second costs next to nothing; spinning would take most of a core.
    assert _cpu_seconds(server.process.pid) - before < 1.0


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process and all its descendants (the gunicorn workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / ticks
    return own + sum(_cpu_seconds(int(child)) for child in children)
