"""The feed of all events, for catching up (GET /events) and for following live
(GET /events/stream, Server-Sent Events).

Both read the same gap-safe order (``Cursor`` in service/storage/results.py, FEED in
service/storage/sql.py) and hand out cursors: a client that resumes from the last cursor
it saw gets every event after it exactly once, even events whose transaction began
earlier and committed later. The stream,
and a page asked with ``wait``, wake on the notification every append sends after
committing (see service/api/waiting.py).
"""

import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from marshmallow import ValidationError

from events import Recorded
from service import queries
from service.api.waiting import POLL_SECONDS, Waiter, long_poll, open_waiter, stopping
from service.http import answers, representations, requests
from service.http.answers import EVENT
from service.http.caching import link_to_next
from service.http.encoding import line as json_line
from service.http.handles import handles
from service.http.inbound import CURSOR, FeedQuery, StreamQuery
from service.http.problems import InvalidQuery
from service.http.promises import DATABASE_PROBLEMS, Answer, promises
from service.storage.results import Cursor
from service.storage.store import EventStore

bp = Blueprint("feed", __name__, url_prefix="/events")

PAGE = 100
# How soon an EventSource reconnects after its stream ends (SSE `retry`, in milliseconds).
RECONNECT = f"retry: {int(POLL_SECONDS * 1000)}\n\n"


@bp.get("")
@promises(
    summary="Catch up on all events",
    tag="feed",
    query=FeedQuery,
    answers=(
        Answer(200, "events after the cursor, in commit order", answers.FeedPage, headers=("Link",), rows=("events",)),
    ),
    problems=("invalid-query", "streams-exhausted", *DATABASE_PROBLEMS),
)
def catch_up() -> Response:
    """A page of events after ``after``; with ``wait``, an empty page is held back until an
    event past the cursor is committed or the wait ends (a long-poll)."""
    query = requests.question()
    store, after, limit = handles().store, query["after"], query["limit"]
    page = long_poll(lambda: queries.feed(store, after, limit) or None, query["wait"]) or []
    body = {
        "events": [_entry(cursor, record) for cursor, record in page],
        "next_after": str(page[-1][0] if page else after),
    }
    response = representations.respond(body, {"Cache-Control": "no-cache"})
    # The feed never ends: the next page is where to poll from, even when it is empty now.
    following = url_for(".catch_up", after=body["next_after"], limit=limit)
    response.headers["Link"] = link_to_next(representations.keep_format(following))
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
    most MAX_STREAMS at once (long-polls included)."""
    after = _resume_point(requests.question())
    waiter, release = open_waiter("this server follows as many live streams as it can; retry, or poll GET /events")
    seconds, heartbeat = (
        float(current_app.config["STREAM_SECONDS"]),
        float(current_app.config["STREAM_HEARTBEAT_SECONDS"]),
    )
    response = Response(_events(handles().store, waiter, after, seconds, heartbeat), mimetype="text/event-stream")
    response.headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    response.call_on_close(release)
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


def _events(store: EventStore, waiter: Waiter, after: Cursor, seconds: float, heartbeat: float) -> Iterator[str]:
    """The stream's body: whatever is there after ``after``, then each event as it comes,
    with a comment line after ``heartbeat`` seconds of quiet for proxies that drop silent
    connections. It stops as soon as the client goes away; when the server is stopping, it
    ends within POLL_SECONDS, telling the client to reconnect (to another server, or to this
    one restarted) from its last event id."""
    yield RECONNECT
    now = time.monotonic()
    deadline, quiet_since = now + seconds, now
    watched = waiter.client  # whose hang-up ends the wait at once
    while time.monotonic() < deadline and not waiter.gone():
        if stopping():
            yield ": the server is stopping\n" + RECONNECT
            return
        page = queries.feed(store, after, PAGE)
        for cursor, record in page:
            yield f"id: {cursor}\nevent: event\ndata: {json_line(_entry(cursor, record))}\n\n"
            after, quiet_since = cursor, time.monotonic()
        if len(page) == PAGE:
            continue
        if waiter.wait(POLL_SECONDS, watched) and not waiter.gone():
            watched = None  # the client sent bytes instead of hanging up: see Waiter.wait
        if time.monotonic() - quiet_since >= heartbeat:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()


def _entry(cursor: Cursor, record: Recorded) -> dict[str, Any]:
    return {"cursor": str(cursor), **EVENT.dump(record)}
