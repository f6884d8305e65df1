"""Slow, idle and malformed clients against the real server: nobody can hold the workers,
and every error the server stack produces is application/problem+json."""

import json
import socket
import struct
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit
from urllib.request import urlopen

import psycopg
import pytest

from service.storage import tokens
from tests.e2e.conftest import Serve

READ_TIMEOUT = 2
THREADS = 4


@pytest.fixture
def server(serve: Serve) -> str:
    # One worker, so every connection below lands on the same one: the worst case.
    return serve("--workers", "1", "--threads", str(THREADS), PACT_READ_TIMEOUT=str(READ_TIMEOUT)).url


def connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def exchange(base: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``raw`` and read the whole answer (the server closes after an error)."""
    with connect(base) as sock:
        sock.sendall(raw)
        return read_response(sock)


def read_response(sock: socket.socket, data: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return int(lines[0].split()[1]), headers, body


def assert_problem(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, object]:
    code, headers, body = answer
    assert code == status, body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem  # type: ignore[no-any-return]


def stalled_append(authorization: str) -> bytes:
    """An append whose body stops 90 bytes short of its Content-Length."""
    return (
        b"POST /agreements/kr-jp-gsomia/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: " + authorization.encode() + b'\r\nContent-Length: 100\r\n\r\n{"events"'
    )


@pytest.fixture
def hogs(server: str, connection: psycopg.Connection) -> Iterator[socket.socket]:
    """Eight idle connections and one authorised append whose body never finishes arriving:
    more than the worker has threads."""
    token = tokens.create(connection, "slow-writer")
    with ExitStack() as stack:
        for _ in range(8):
            stack.enter_context(connect(server))
        stalled = stack.enter_context(connect(server))
        stalled.sendall(stalled_append(f"Bearer {token}"))
        yield stalled


def test_idle_and_stalled_clients_do_not_block_other_requests(server: str, hogs: socket.socket) -> None:
    with ExitStack() as stack:
        for _ in range(THREADS * 2):  # more half-sent heads than the worker has threads
            stack.enter_context(connect(server)).sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        for path in ("/healthz", "/agreements/kr-jp-gsomia/status?on=2019-09-01"):
            with urlopen(server + path, timeout=1) as response:
                assert response.status == 200


def test_a_body_shorter_than_its_content_length_ends_in_408(server: str, hogs: socket.socket) -> None:
    problem = assert_problem(read_response(hogs), 408)

    assert problem["type"] == "/problems/request-timeout"
    assert hogs.recv(1) == b""  # and the connection is closed


def test_a_stalled_body_is_408_whoever_sends_it(server: str) -> None:
    """The request never arrives whole, so it never reaches the application (or a thread)."""
    with connect(server) as sock:
        sock.sendall(stalled_append("Bearer pact_nobody"))

        assert_problem(read_response(sock), 408)
        assert sock.recv(1) == b""


def test_clients_that_never_close_after_a_last_answer_hold_nobody(server: str) -> None:
    """After an answer with Connection: close the server drains the socket before closing
    it; a client that neither sends nor closes must not make the worker wait there."""
    with ExitStack() as stack:
        for _ in range(THREADS):
            lingering = stack.enter_context(connect(server))
            lingering.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert read_response(lingering)[0] == 200
        with urlopen(server + "/healthz", timeout=1) as response:
            assert response.status == 200


def test_clients_that_reset_their_connection_half_way_harm_nobody(server: str) -> None:
    for partial_request in (b"GET /healthz HTTP/1.1\r\nHo", stalled_append("Bearer pact_x")):
        with connect(server) as sock:
            sock.sendall(partial_request)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends RST

    with urlopen(server + "/healthz", timeout=1) as response:
        assert response.status == 200


def test_headers_that_stop_half_way_end_in_408(server: str) -> None:
    problem = assert_problem(exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "), 408)

    assert problem["type"] == "/problems/request-timeout"


def test_headers_that_trickle_in_still_end_in_408(server: str) -> None:
    """A slowloris client: one more header byte whenever the server has said nothing for a
    quarter of a second. The 408 must come while it is still sending."""
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.settimeout(0.25)
        for _ in range(int(3 * READ_TIMEOUT / 0.25)):
            try:
                sock.sendall(b"x")
                first = sock.recv(65536)
                break
            except TimeoutError:
                continue
        else:
            pytest.fail(f"no answer after trickling for {3 * READ_TIMEOUT} s")
        sock.settimeout(30)
        code, _, body = read_response(sock, first)

    assert code == 408 and json.loads(body)["type"] == "/problems/request-timeout"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
        (b"POST /agreements HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
        (b"POST /agreements HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        (b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"\x00\x01\x02 nonsense\r\n\r\n", 400),
    ],
)
def test_errors_of_the_server_itself_are_problems(server: str, raw: bytes, status: int) -> None:
    assert_problem(exchange(server, raw), status)


def test_a_chunked_body_over_the_limit_is_413(server: str, connection: psycopg.Connection) -> None:
    token = tokens.create(connection, "big-writer")
    chunk = b"a" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
    raw = (
        b"POST /agreements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nAuthorization: Bearer " + token.encode() + b"\r\n\r\n" + body
    )

    assert_problem(exchange(server, raw), 413)
