"""The gunicorn worker the service runs on: threads that slow or idle clients cannot hold.

gunicorn's threaded worker hands a connection to a thread as soon as it is readable, and
the thread then blocks on the socket for as long as the client takes to send its request.
So a few idle sockets, a few clients trickling header bytes (slowloris), or a body shorter
than its Content-Length could take every thread. This worker

- collects each request in its event loop -- the head, and a body announced by
  Content-Length within the size limit -- and hands it to a thread only once it is all
  there, so a thread never waits for a client's request to arrive;
- gives each request a deadline (PACT_READ_TIMEOUT): one that has not arrived by then is
  answered 408 and closed; a connection that never sends a byte is closed after the
  keep-alive time. A body the loop does not collect (chunked, or behind
  ``Expect: 100-continue``) is read by the thread under the same deadline;
- answers every error gunicorn itself produces (400, 408, 414, 431, 500, ...) as
  application/problem+json, like the application does, instead of an HTML page;
- on SIGTERM, besides gunicorn's own graceful stop (no new connections, requests in flight
  answered within its graceful timeout), ends the requests that wait for the store -- live
  streams with a hint to reconnect, long-polls with their empty page -- so the worker exits
  in seconds, not when the last client would have stopped waiting.
"""

import json
import os
import re
import selectors
import socket
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from service.api.waiting import stop_waiting
from service.http.problems import PROBLEM_JSON, ClientTimeout, slug
from service.settings import number

READ_TIMEOUT = float(os.environ.get("PACT_READ_TIMEOUT", number("PACT_READ_TIMEOUT")))
BODY_LIMIT = int(os.environ.get("PACT_MAX_CONTENT_LENGTH", number("PACT_MAX_CONTENT_LENGTH")))
# Far beyond any head this API needs; a longer one is handed to gunicorn's parser, which
# refuses it (414 or 431).
HEAD_LIMIT = 64 * 1024
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*([0-9]{1,19})[ \t]*$", re.I | re.M)
_READ_IN_THREAD = re.compile(rb"^(transfer-encoding|expect):", re.I | re.M)


class _DeadlineSocket(socket.socket):
    """A client socket on which a request must arrive within ``read_timeout`` seconds of
    gunicorn starting on it, however it trickles in.

    A read that runs out of time before any of the answer was sent means the client
    stalled its request: ClientTimeout, answered with 408. Reads after the answer are
    gunicorn draining what is left of the request, bounded by gunicorn itself. After a
    ClientTimeout the socket reads as closed, so nobody waits on that client again.

    Once its sending side is shut (gunicorn closing the connection after an answer), a
    read takes only what has already arrived: gunicorn then drains the socket on its event
    loop, and a client that neither sends nor closes would hold that loop -- and every other
    connection of the worker -- for as long as gunicorn lingers.
    """

    read_timeout: float = READ_TIMEOUT
    deadline: float = 0.0
    answered: bool = False
    timed_out: bool = False
    closing: bool = False

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

    def shutdown(self, how: int) -> None:
        self.closing = True
        super().shutdown(how)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self.timed_out:
            return b""
        if self.closing:
            read = self.recv_available(bufsize)
            if read is None:
                raise TimeoutError  # nothing more has arrived: stop draining
            return read
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

    def recv_available(self, bufsize: int) -> bytes | None:
        """What the client has sent so far without waiting: None if nothing yet, b"" once
        it is gone (closed or reset)."""
        super().setblocking(False)
        try:
            return super().recv(bufsize)
        except BlockingIOError:
            return None
        except OSError:
            return b""


def _with_deadline(sock: socket.socket) -> _DeadlineSocket:
    blocking = sock.getblocking()
    wrapped = _DeadlineSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
    wrapped.setblocking(blocking)
    return wrapped


@dataclass
class _Arrival:
    """A request on its way in: the bytes so far, and when it must be complete."""

    deadline: float
    data: bytearray = field(default_factory=bytearray)

    def complete(self) -> bool:
        """Whether a thread can take it from here without waiting for the client."""
        end = self.data.find(b"\r\n\r\n")
        if end < 0:
            return len(self.data) > HEAD_LIMIT
        head = bytes(self.data[:end])
        length = _CONTENT_LENGTH.search(head)
        if _READ_IN_THREAD.search(head) or length is None or int(length.group(1)) > BODY_LIMIT:
            return True
        return len(self.data) >= end + 4 + int(length.group(1))


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
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals: dict[TConn, _Arrival] = {}

    def enqueue_req(self, conn: TConn) -> None:
        """A new connection: collect its first request before any thread sees it."""
        if not conn.initialized:
            conn.sock = _with_deadline(conn.sock)
            self._collect(conn, patience=self.cfg.keepalive)
        else:
            super().enqueue_req(conn)

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection: collect its next request too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._collect(conn, patience=READ_TIMEOUT)

    def _collect(self, conn: TConn, patience: float) -> None:
        self.arrivals[conn] = _Arrival(deadline=time.monotonic() + patience)
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_arriving, conn))

    def _on_arriving(self, conn: TConn, _: socket.socket) -> None:
        """Runs in the event loop: whatever one client does must not take the loop down."""
        try:
            self._take_arriving(conn)
        except Exception:
            self.log.exception("dropping a connection whose request could not be collected")
            if conn in self.arrivals:
                self._drop(conn)

    def _take_arriving(self, conn: TConn) -> None:
        arrival = self.arrivals[conn]
        data = conn.sock.recv_available(65536)
        if data is None:
            return
        if not data:
            self._drop(conn)
            return
        if not arrival.data:
            # The first byte starts the request's own clock.
            arrival.deadline = time.monotonic() + READ_TIMEOUT
        arrival.data += data
        if arrival.complete():
            del self.arrivals[conn]
            self.poller.unregister(conn.sock)
            conn.init()
            conn.parser.unreader.unread(bytes(arrival.data))
            conn.data_ready = True
            super().enqueue_req(conn)

    def murder_pending(self) -> None:
        """Also end the requests that did not arrive in time (called once a loop turn)."""
        super().murder_pending()
        now = time.monotonic()
        for conn, arrival in list(self.arrivals.items()):
            if arrival.deadline <= now:
                if arrival.data:
                    detail = f"the request did not arrive within {READ_TIMEOUT:g} s"
                    _write_problem(conn.sock, 408, "Request Timeout", detail)
                self._drop(conn)

    def _drop(self, conn: TConn) -> None:
        del self.arrivals[conn]
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        self.nr_conns -= 1
        conn.close()

    def handle_exit(self, sig: int, frame: Any) -> None:
        """SIGTERM: stop gracefully, and end every wait (service/api/waiting.py)."""
        stop_waiting()
        super().handle_exit(sig, frame)

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
