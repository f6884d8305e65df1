"""The feed of all events, for catching up (GET /events) and for following live
(GET /events/stream, Server-Sent Events).

Both read the same gap-safe order (see ``Cursor`` and FEED in service/store.py) and hand
out cursors: a client that resumes from the last cursor it saw gets every event after it
exactly once, even events whose transaction began earlier and committed later. The stream
wakes on the notification every append sends after committing, and also looks again every
POLL_SECONDS, since a transaction that ends without appending sends none.
"""

import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from marshmallow import ValidationError

from events import Recorded
from service import answers, http
from service.caching import link_to_next
from service.contract import DATABASE_PROBLEMS, Answer, promises
from service.encoding import line as json_line
from service.problems import InvalidQuery, StreamsExhausted
from service.representations import event_out
from service.resources import resources
from service.schemas import CURSOR, FeedQuery, StreamQuery
from service.store import CHANNEL, Cursor, EventStore

bp = Blueprint("feed", __name__, url_prefix="/events")

FEED_QUERY, STREAM_QUERY = FeedQuery(), StreamQuery()
POLL_SECONDS = 1.0
PAGE = 100


@bp.get("")
@promises(
    summary="Catch up on all events",
    tag="feed",
    query=FeedQuery,
    answers=(Answer(200, "events after the cursor, in commit order", answers.FeedPage, headers=("Link",)),),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def catch_up() -> Response:
    query = http.query(FEED_QUERY)
    page = resources().store.feed(query["after"], query["limit"])
    body = {
        "events": [_entry(cursor, record) for cursor, record in page],
        "next_after": str(page[-1][0] if page else query["after"]),
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-cache"
    # The feed never ends: the next page is where to poll from, even when it is empty now.
    response.headers["Link"] = link_to_next(url_for(".catch_up", after=body["next_after"], limit=query["limit"]))
    return response


@bp.get("/stream")
@promises(
    summary="Follow all events live",
    tag="feed",
    query=StreamQuery,
    request_headers=("Last-Event-ID",),
    answers=(
        Answer(200, "Server-Sent Events: each event with its cursor as id", answers.StreamEvent, "text/event-stream"),
    ),
    problems=("invalid-query", "streams-exhausted", *DATABASE_PROBLEMS),
)
def stream() -> Response:
    """Server-Sent Events from ``after`` (or the Last-Event-ID header an EventSource sends
    when it reconnects); the response ends after STREAM_SECONDS and the client reconnects
    from where it was. Each stream holds a thread and a connection, so a worker serves at
    most MAX_STREAMS at once."""
    after = _resume_point(http.query(STREAM_QUERY))
    slots: threading.BoundedSemaphore = current_app.extensions["pact_streams"]
    if not slots.acquire(blocking=False):
        raise StreamsExhausted()
    try:
        # Listening starts before catching up, so no event falls between the two; and it
        # starts here, so a database that is gone is a 503, not a broken stream.
        listener = psycopg.connect(current_app.config["DATABASE_URL"], autocommit=True, connect_timeout=2)
        listener.execute(f"LISTEN {CHANNEL}")
    except BaseException:
        slots.release()
        raise
    seconds, heartbeat = (
        float(current_app.config["STREAM_SECONDS"]),
        float(current_app.config["STREAM_HEARTBEAT_SECONDS"]),
    )
    client = request.environ.get("gunicorn.socket")
    events = _events(resources().store, listener, client, after, seconds, heartbeat)
    response = Response(events, mimetype="text/event-stream")
    response.headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    response.call_on_close(listener.close)
    response.call_on_close(slots.release)
    return response


def _resume_point(query: dict[str, Any]) -> Cursor:
    """Where the stream starts: Last-Event-ID (an EventSource reconnecting) or ``after``."""
    header = request.headers.get("Last-Event-ID")
    if header is None:
        return query["after"]
    try:
        return CURSOR.deserialize(header)
    except ValidationError as error:
        raise InvalidQuery(ValidationError({"Last-Event-ID": error.messages})) from None


def _events(
    store: EventStore,
    listener: psycopg.Connection,
    client: socket.socket | None,
    after: Cursor,
    seconds: float,
    heartbeat: float,
) -> Iterator[str]:
    """The stream's body: whatever is there after ``after``, then each event as it comes,
    with a comment line after ``heartbeat`` seconds of quiet for proxies that drop silent
    connections. It stops as soon as the client goes away."""
    yield f"retry: {int(POLL_SECONDS * 1000)}\n\n"
    now = time.monotonic()
    deadline, quiet_since = now + seconds, now
    watched = client  # whose hang-up ends the wait at once
    while time.monotonic() < deadline and not _gone(client):
        page = store.feed(after, PAGE)
        for cursor, record in page:
            yield f"id: {cursor}\nevent: event\ndata: {json_line(_entry(cursor, record))}\n\n"
            after, quiet_since = cursor, time.monotonic()
        if len(page) == PAGE:
            continue
        if _wait(listener, watched, POLL_SECONDS) and not _gone(client):
            # The client sent bytes instead of hanging up; they stay unread, so watching
            # for more would never wait again: from now on, look once a poll.
            watched = None
        if time.monotonic() - quiet_since >= heartbeat:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()


def _wait(listener: psycopg.Connection, client: socket.socket | None, seconds: float) -> bool:
    """Until a notification arrives, the client sends or hangs up, or ``seconds`` pass;
    then take in whatever notifications came (each only says: look again). Whether the
    client's socket is what ended the wait."""
    if client is None:
        for _ in listener.notifies(timeout=seconds, stop_after=1):
            pass
        return False
    poller = select.poll()
    poller.register(listener.fileno(), select.POLLIN)
    poller.register(client, select.POLLIN)
    ready = {descriptor for descriptor, _ in poller.poll(seconds * 1000)}
    for _ in listener.notifies(timeout=0):
        pass
    return client.fileno() in ready


def _gone(client: socket.socket | None) -> bool:
    """Whether the client has closed its end (an EventSource navigated away), without
    waiting: the socket is polled first, because a read on a socket with a timeout (as
    gunicorn's are) waits for that timeout even with MSG_DONTWAIT. None -- no socket to
    look at, as under a test client -- is never gone."""
    if client is None:
        return False
    poller = select.poll()
    poller.register(client, select.POLLIN)
    if not poller.poll(0):
        return False
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _entry(cursor: Cursor, record: Recorded) -> dict[str, Any]:
    return {"cursor": str(cursor), **event_out(record)}
