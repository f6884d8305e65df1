"""A rolling deploy, as Kubernetes or `docker stop` does it: the real `serve` told to stop
(SIGTERM) while a live stream, a long-poll and a burst of reads are open. No client sees a
reset connection or a 5xx, the server exits well within PACT_STOP_TIMEOUT, and the stream's
client, reconnecting to another server with its Last-Event-ID, misses nothing."""

import json
import signal
import socket
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

from service.settings import number
from tests.e2e.conftest import Serve, Server
from tests.e2e.test_read_your_writes import ask
from tests.e2e.test_serve import end_of_feed
from tests.service.client import PACT

READS = 6


def connect(server: Server) -> socket.socket:
    parts = urlsplit(server.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def read_until(sock: socket.socket, ending: bytes, received: bytes = b"") -> bytes:
    while ending not in received:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before {ending!r}: {received[-500:]!r}"
        received += chunk
    return received


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One whole answer with a Content-Length (the server may close the connection after)."""
    received = read_until(sock, b"\r\n\r\n")
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "the connection closed half way through an answer"
        body += chunk
    return int(lines[0].split()[1]), headers, body


def last_event_id(stream: bytes) -> str:
    return [line for line in stream.decode().splitlines() if line.startswith("id: ")][-1].removeprefix("id: ")


def test_sigterm_ends_streams_and_waits_answers_reads_and_exits_in_bounded_time(serve: Serve, token: str) -> None:
    stopping = serve("--workers", "1", PACT_STREAM_SECONDS="600", PACT_STREAM_HEARTBEAT_SECONDS="600")
    other = serve("--workers", "1")
    end = end_of_feed(stopping.url)

    with ExitStack() as open_sockets:
        stream = open_sockets.enter_context(connect(stopping))
        stream.sendall(b"GET /events/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        followed = read_until(stream, f"id: {end}\n".encode())  # the whole store so far: the stream is live
        long_poll = open_sockets.enter_context(connect(stopping))
        long_poll.sendall(f"GET /events?after={end}&wait=30 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        readers = [open_sockets.enter_context(connect(stopping)) for _ in range(READS)]
        for reader in readers:  # each connection accepted and kept alive, as a load balancer's are
            reader.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_answer(reader)[0] == 200
        for reader in readers:
            reader.sendall(b"GET /agreements/kr-jp-gsomia/timeline HTTP/1.1\r\nHost: x\r\n\r\n")

        stopping.process.send_signal(signal.SIGTERM)
        told = time.monotonic()

        answers = [read_answer(reader) for reader in readers]
        assert [status for status, _, _ in answers] == [200] * READS
        assert all(json.loads(body)["agreement_id"] == "kr-jp-gsomia" for _, _, body in answers)
        status, _, page = read_answer(long_poll)
        assert (status, json.loads(page)["events"]) == (200, [])
        followed = read_until(stream, b"\r\n0\r\n\r\n", followed)  # the chunked stream's proper end
        assert b": the server is stopping\nretry: " in followed
        assert stopping.process.wait(timeout=told + number("PACT_STOP_TIMEOUT") - time.monotonic()) == 0

    # While the client was away, another server took a write.
    assert ask(other.url, "POST", "/agreements", PACT, Authorization=f"Bearer {token}")[0] == 201
    resume = f"GET /events/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {last_event_id(followed)}\r\n\r\n"
    with connect(other) as resumed:
        resumed.sendall(resume.encode())
        received = read_until(resumed, b"event: event\n")
        received = read_until(resumed, b"\n\n", received.partition(b"event: event\n")[2])

    first = json.loads(received.split(b"data: ", 1)[1].split(b"\n", 1)[0])
    assert (first["agreement_id"], first["type"]) == ("test-pact", "agreement_registered")
