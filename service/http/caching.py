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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, request

from service.storage.results import Knowledge

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


@dataclass(frozen=True)
class CachedAnswer:
    """An answer's body, and the link to the next page of a paged answer."""

    body: bytes
    next_page: str | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.next_page or "")


class AnswerCache:
    """Answers by strong ETag, least recently used evicted first, at most ``max_bytes`` in
    all. An answer is right for its ETag for ever, so nothing is invalidated."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> CachedAnswer | None:
        with self._lock:
            answer = self._answers.get(tag)
            if answer is not None:
                self._answers.move_to_end(tag)
            return answer

    def put(self, tag: str, answer: CachedAnswer) -> None:
        with self._lock:
            if tag in self._answers or answer.size > self.max_bytes:
                return
            self._answers[tag] = answer
            self._size += answer.size
            while self._size > self.max_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._size -= evicted.size


def cached(
    parts: tuple[Any, ...],
    known_at: datetime | None,
    build: Callable[[], Any],
    answers: AnswerCache,
    next_page: Callable[[Any], str | None] = lambda _: None,
    canonical: str | None = None,
) -> Response:
    """Answer 304 when the client holds this very answer; otherwise build it once. For a
    paged answer, ``next_page`` gives the URL of the page after the built one, if any,
    sent as a Link header (RFC 8288). ``canonical`` is the answer's permalink (see
    ``permalink``), sent as Content-Location and as a Link."""
    tag = etag(*parts)
    headers = {"ETag": tag, "Cache-Control": FINAL if is_final(known_at) else REVALIDATE}
    links = [f'<{canonical}>; rel="canonical"'] if canonical else []
    if canonical:
        headers["Content-Location"] = canonical
        headers["Link"] = ", ".join(links)
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches our "x" too.
    if request.if_none_match.contains_weak(tag.strip('"')):
        return Response(status=304, headers=headers)
    answer = answers.get(tag)
    if answer is None:
        built = build()
        answer = CachedAnswer(f"{current_app.json.dumps(built)}\n".encode(), next_page(built))
        answers.put(tag, answer)
    if answer.next_page is not None:
        headers["Link"] = ", ".join([link_to_next(answer.next_page), *links])
    return Response(answer.body, mimetype="application/json", headers=headers)


def permalink(instant: datetime | None, **pinned: date | None) -> str | None:
    """This question asked with ``known_at`` = ``instant`` -- the instant of the knowledge a
    "now" answer was computed from -- and with each day it left to a default ``pinned``:
    the same answer, which can never change once ``instant`` is final (is_final), so any
    HTTP cache may keep it for ever. None for an answer that named its ``known_at``."""
    if instant is None or "known_at" in request.args:
        return None
    # Waiting and consistency tokens only say how fresh "now" must be: known_at fixes it.
    arguments = {name: value for name, value in request.args.items() if name not in ("wait", "consistent_with")}
    arguments |= {name: day.isoformat() for name, day in pinned.items() if day is not None and name not in arguments}
    arguments["known_at"] = instant.isoformat()
    return f"{request.path}?{urlencode(arguments)}"


def link_to_next(url: str) -> str:
    """A Link header value pointing to the next page (RFC 8288), as every paged list sends."""
    return f'<{url}>; rel="next"'
