"""The gunicorn worker the service runs on: threads that slow or idle clients cannot hold.

gunicorn's threaded worker already parks kept-alive connections in its event loop, but it
hands a *new* connection to a thread, which waits there up to five seconds for the first
byte, and a thread that has begun reading a request blocks for as long as the client
pleases. So a handful of idle sockets, or one request with a Content-Length longer than its
body, could take every thread. This worker

- parks every new connection in the event loop until its first bytes arrive (and closes it
  after the keep-alive time if none do), so idle connections cost no thread;
- gives each request a deadline to arrive by (line, headers and body), which survives
  gunicorn switching the socket to blocking mode, so a stalled or trickling request ends in
  408 instead of holding a thread;
- answers every error gunicorn itself produces (400, 408, 414, 431, 500, ...) as
  application/problem+json, like the application does, instead of an HTML page.
"""

import json
import os
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from service.problems import PROBLEM_JSON, ClientTimeout, slug

READ_TIMEOUT = float(os.environ.get("PACT_READ_TIMEOUT", "10"))


class _DeadlineSocket(socket.socket):
    """A client socket on which a request -- line, headers and body -- must arrive within
    ``read_timeout`` seconds of its first byte being awaited, however it trickles in.

    A read that runs out of time before any of the answer was sent means the client
    stalled its request: ClientTimeout, answered with 408. Reads after the answer are
    gunicorn draining what is left of the request, bounded by gunicorn itself. After a
    ClientTimeout the socket reads as closed, so nobody waits on that client again.
    """

    read_timeout: float = READ_TIMEOUT
    deadline: float = 0.0
    answered: bool = False
    timed_out: bool = False

    def setblocking(self, flag: bool) -> None:
        # gunicorn calls setblocking(True) as it starts on each request: the clock starts.
        if flag:
            self.deadline = time.monotonic() + self.read_timeout
            self.answered = False
            self.settimeout(self.read_timeout)
        else:
            super().setblocking(False)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self.answered = True
        super().sendall(data, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self.timed_out:
            return b""
        if self.answered:
            return super().recv(bufsize, flags)
        try:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.settimeout(remaining)
            return super().recv(bufsize, flags)
        except TimeoutError:
            self.timed_out = True
            raise ClientTimeout(f"the request did not arrive within {self.read_timeout:g} s") from None


def _with_deadline(sock: socket.socket) -> _DeadlineSocket:
    blocking = sock.getblocking()
    wrapped = _DeadlineSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
    wrapped.setblocking(blocking)
    return wrapped


class _StatusCapture:
    """Stands in for the client socket while gunicorn writes its HTML error page, to learn
    the status and reason it chose; the problem document is then written instead."""

    def __init__(self) -> None:
        self.status_line = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.status_line = data.split(b"\r\n", 1)[0]


class ProblemThreadWorker(ThreadWorker):
    def enqueue_req(self, conn: TConn) -> None:
        if not conn.initialized and not isinstance(conn.sock, _DeadlineSocket):
            conn.sock = _with_deadline(conn.sock)
        if not conn.initialized and not conn.data_ready:
            self._await_first_bytes(conn)
            return
        super().enqueue_req(conn)

    def _await_first_bytes(self, conn: TConn) -> None:
        """Wait in the event loop, not in a thread, as gunicorn does for a deferred connection."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        if isinstance(exc, ClientTimeout):
            self.log.info("request timed out from %s: %s", addr, exc)
            _write_problem(client, 408, "Request Timeout", str(exc))
            return
        capture = _StatusCapture()
        super().handle_error(req, capture, addr, exc)
        _, status, reason = capture.status_line.decode("latin-1").split(" ", 2)
        detail = str(exc) if status.startswith("4") and str(exc) else reason
        _write_problem(client, int(status), reason, detail)


def _write_problem(client: socket.socket, status: int, reason: str, detail: str) -> None:
    body = json.dumps(
        {"type": f"/problems/{slug(reason)}", "title": reason, "status": status, "detail": detail},
        separators=(",", ":"),
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    try:
        util.write_nonblock(client, head + body)
    except OSError:
        pass  # the client is gone: nobody to tell
