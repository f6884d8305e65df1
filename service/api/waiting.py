"""Requests that wait for the store: live streams, and long-polls (``wait=`` on the feed and
on an agreement's events), which answer as soon as something past the client's cursor is
committed instead of making the client sleep and ask again.

A waiting request holds a thread and a connection of its own that LISTENs for the
notification every append sends after committing, so each worker lets at most MAX_STREAMS
of them wait at once. A notification only says "look again": the store is asked afresh,
and also every POLL_SECONDS, since what the feed may show also moves when a transaction
that appended nothing ends. The wait stops as soon as the client hangs up.
"""

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from flask import current_app, request

from service.http.problems import StreamsExhausted
from service.storage.sql import CHANNEL

T = TypeVar("T")
POLL_SECONDS = 1.0
_STOPPING = threading.Event()


def stop_waiting() -> None:
    """The server is stopping: every wait ends at its next look, a long-poll with what it
    has found (its empty page), a stream with a hint to reconnect; a wait begun from now on
    ends at its first look. Safe to call from a signal handler."""
    _STOPPING.set()


def stopping() -> bool:
    """Whether this process has begun to stop (stop_waiting)."""
    return _STOPPING.is_set()


@dataclass
class Waiter:
    """A LISTENing connection and the client's socket (None under a test client)."""

    listener: psycopg.Connection
    client: socket.socket | None

    def until(self, look: Callable[[], T | None], seconds: float) -> T | None:
        """What ``look`` finds, asked now and after each notification or poll, as soon as
        it finds something; None once ``seconds`` have passed, the client has gone or the
        server is stopping."""
        deadline = time.monotonic() + seconds
        watched = self.client
        while True:
            found = look()
            left = deadline - time.monotonic()
            if found is not None or left <= 0 or self.gone() or stopping():
                return found
            if self.wait(min(left, POLL_SECONDS), watched) and not self.gone():
                watched = None  # the client sent bytes instead of hanging up: see wait()

    def wait(self, seconds: float, watched: socket.socket | None) -> bool:
        """Until a notification arrives, the ``watched`` client sends or hangs up, or
        ``seconds`` pass; then take in whatever notifications came. Whether the client's
        socket is what ended the wait. Bytes a client sends stay unread, so a caller stops
        watching a client that sent some, or it would never wait again."""
        if watched is None:
            for _ in self.listener.notifies(timeout=seconds, stop_after=1):
                pass
            return False
        poller = select.poll()
        poller.register(self.listener.fileno(), select.POLLIN)
        poller.register(watched, select.POLLIN)
        ready = {descriptor for descriptor, _ in poller.poll(seconds * 1000)}
        for _ in self.listener.notifies(timeout=0):
            pass
        return watched.fileno() in ready

    def gone(self) -> bool:
        """Whether the client has closed its end, without waiting: the socket is polled
        first, because a read on a socket with a timeout (as gunicorn's are) waits for that
        timeout even with MSG_DONTWAIT."""
        if self.client is None:
            return False
        poller = select.poll()
        poller.register(self.client, select.POLLIN)
        if not poller.poll(0):
            return False
        try:
            return self.client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True


def open_waiter(detail: str) -> tuple[Waiter, Callable[[], None]]:
    """A slot and a LISTENing connection for this request, and what frees them both; a
    503 (``detail`` says what to do instead) when every slot is taken. Listening starts
    before the caller first looks, so nothing committed in between is missed; and it starts
    here, so a database that is gone is a 503 before anything is sent."""
    slots: threading.BoundedSemaphore = current_app.extensions["pact_streams"]
    if not slots.acquire(blocking=False):
        raise StreamsExhausted(detail)
    try:
        listener = psycopg.connect(current_app.config["DATABASE_URL"], autocommit=True, connect_timeout=2)
        listener.execute(f"LISTEN {CHANNEL}")
    except BaseException:
        slots.release()
        raise

    def release() -> None:
        listener.close()
        slots.release()

    return Waiter(listener, request.environ.get("gunicorn.socket")), release


@contextmanager
def waiting(detail: str) -> Iterator[Waiter]:
    """A waiter for the length of a block (a long-poll); a stream, which outlives its view,
    calls open_waiter and frees it when its response closes."""
    waiter, release = open_waiter(detail)
    try:
        yield waiter
    finally:
        release()


def long_poll(look: Callable[[], T | None], seconds: float) -> T | None:
    """``look()`` now, or, if it finds nothing and the client asked to wait, as soon as it
    finds something within ``seconds`` (at most the server's MAX_WAIT_SECONDS)."""
    found = look()
    seconds = min(seconds, float(current_app.config["MAX_WAIT_SECONDS"]))
    if found is not None or seconds <= 0:
        return found
    with waiting("this server holds as many waiting requests as it can; retry, or ask without wait") as waiter:
        return waiter.until(look, seconds)
