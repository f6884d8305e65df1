"""HTTP caching that is correct: strong ETags that change exactly when an answer could.

An answer depends on the query, on the events known at ``known_at``, and -- when the
query leaves a date to its default -- on today's date. The ETag hashes exactly those.
An answer about a ``known_at`` older than the commit-lag bound can never change (the
events table refuses commits that late), so shared caches may keep it for good; every
other answer must be revalidated, which costs one small query and no replay.

Since a strong ETag names one exact body, bodies are also kept in memory by ETag
(``AnswerCache``): a client without the ETag still gets the answer without a replay.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, current_app, request

from service.store import Knowledge

# The events table refuses any commit more than this long after its recorded_at
# (migrations/versions/0001_events.py): answers about earlier instants are final.
COMMIT_LAG_BOUND = timedelta(seconds=10)
FINAL = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def etag(*parts: Any) -> str:
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'


def is_final(known_at: datetime | None) -> bool:
    return known_at is not None and known_at < datetime.now(UTC) - COMMIT_LAG_BOUND


def knowledge_tag(knowledge: Knowledge, known_at: datetime | None) -> tuple[Any, ...]:
    """What identifies the set of events an answer may use."""
    return (knowledge.version, known_at.isoformat() if known_at else None)


class AnswerCache:
    """Response bodies by strong ETag, least recently used evicted first, at most
    ``max_bytes`` in all. A body is right for its ETag for ever, so nothing is invalidated."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(tag)
            if body is not None:
                self._bodies.move_to_end(tag)
            return body

    def put(self, tag: str, body: bytes) -> None:
        with self._lock:
            if tag in self._bodies or len(body) > self.max_bytes:
                return
            self._bodies[tag] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, evicted = self._bodies.popitem(last=False)
                self._size -= len(evicted)


def cached(
    parts: tuple[Any, ...], known_at: datetime | None, build: Callable[[], Any], answers: AnswerCache
) -> Response:
    """Answer 304 when the client holds this very answer; otherwise build it once."""
    tag = etag(*parts)
    headers = {"ETag": tag, "Cache-Control": FINAL if is_final(known_at) else REVALIDATE}
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches our "x" too.
    if request.if_none_match.contains_weak(tag.strip('"')):
        return Response(status=304, headers=headers)
    body = answers.get(tag)
    if body is None:
        body = f"{current_app.json.dumps(build())}\n".encode()
        answers.put(tag, body)
    return Response(body, mimetype="application/json", headers=headers)
