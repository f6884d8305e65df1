"""HTTP caching that is correct: a strong ETag names one body, and changes exactly when
the answer could.

An answer is a function of three things, and its ETag hashes all three, by one mechanism
every cached view goes through (``cached``), so no view can leave a part out:

- the question as read: the route, its path, and every query parameter as the route's
  schema loaded it, defaults included (service/http/requests.py keeps it for the request),
  and the representation chosen, where it is not JSON (service/http/representations.py);
- the knowledge used: the version of each agreement the answer replays;
- what the question left to now: the day each defaulted day parameter took (today, where
  the agreement lives: ``today_by_default``) and anything else the answer took from the
  present rather than from the question or the knowledge (``taken_now``).

It also names the edition of the answers' shapes (``SHAPES_EDITION``), which a release that
changes what an answer holds moves on: a tag held from before it then no longer matches.

An answer about a ``known_at`` older than the commit-lag bound, which left nothing to now,
can never change (the events table refuses commits that late): shared caches may keep it
for good (``immutable``). Every other answer must be revalidated, which costs one small
query and no replay. An answer about now names its permalink: the same question with
``known_at`` and every defaulted day pinned, which is such an answer.

Since a strong ETag names one exact body, bodies are also kept in memory by ETag
(``BodyCache``): a client without the ETag still gets the answer without a replay.
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

from flask import Response, g, request

from service import clock
from service.http import representations, requests

# The events table refuses any commit more than this long after its recorded_at
# (migrations/versions/0001_events.py): answers about earlier instants are final.
COMMIT_LAG_BOUND = timedelta(seconds=10)
FINAL = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Which edition of the answers' shapes this release writes, named by every ETag: a release
# that changes what the answer to the same question holds (2: timeline intervals carry
# ``ends_before``) takes the next, so no ETag a client holds names two bodies.
SHAPES_EDITION = 2
# Parameters that only say how fresh "now" must be (a long-poll's wait, a write's token):
# the knowledge an answer used, which the ETag names, is what they chose.
FRESHNESS = ("wait", "consistent_with")


def etag(*parts: Any) -> str:
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'


def is_final(known_at: datetime | None) -> bool:
    return known_at is not None and known_at < datetime.now(UTC) - COMMIT_LAG_BOUND


def today_by_default(parameter: str, zone: str) -> date:
    """Today where ``zone`` is, as the value of the query's day ``parameter`` (its name in
    the query string) the client left out. The answer then depends on the day it is asked:
    its ETag names the day, its permalink pins it, and no cache may keep it for ever."""
    _before_the_tag(parameter)
    day = clock.today(zone)
    days: dict[str, set[date]] = g.setdefault("days_by_default", {})
    days.setdefault(parameter, set()).add(day)
    return day


def taken_now(name: str, value: Any) -> Any:
    """``value``, a part of the answer that neither the question nor the knowledge fixes
    (a name as the registrations give it now): the ETag names it, and no cache may keep the
    answer for ever."""
    _before_the_tag(name)
    taken: dict[str, Any] = g.setdefault("taken_now", {})
    taken[name] = value
    return value


def _before_the_tag(what: str) -> None:
    """Refuse what the answer takes from now once its ETag is made: the tag would not name
    it, and a cache would keep the answer past the day it holds (a bug, so a 500)."""
    if g.get("tagged"):
        raise RuntimeError(f"{what} was taken from now after the answer's ETag was made: take it before `cached`")


def _days_by_default() -> dict[str, list[date]]:
    days: dict[str, set[date]] = g.get("days_by_default", {})
    return {parameter: sorted(found) for parameter, found in days.items()}


def _question() -> dict[str, Any]:
    """The question as the route read it, less what only says how fresh "now" must be, and
    less ``format``: the tag names the representation chosen, however it was asked for."""
    return {name: value for name, value in requests.question().items() if name not in (*FRESHNESS, "format")}


def _answer_tag(knowledge: Any, by_host: bool) -> str:
    """The strong ETag of this request's answer, built from ``knowledge`` (the version of
    each agreement it replays): the question, the knowledge, and what it left to now; and
    the host it was asked of, for an answer that names its own absolute URLs."""
    parts = [
        SHAPES_EDITION,
        request.endpoint,
        request.view_args,
        _question(),
        knowledge,
        _days_by_default(),
        g.get("taken_now", {}),
    ]
    if representations.chosen() != representations.JSON:
        parts.append(representations.chosen())
    if by_host:
        parts.append(request.host_url)
    return etag(*parts)


def _fixed_by_question() -> bool:
    """Whether the answer is a function of the question and the knowledge alone: it left
    no day to default and took nothing from now."""
    return not g.get("days_by_default") and not g.get("taken_now")


@dataclass(frozen=True)
class CachedBody:
    """An answer's body, and the link to the next page of a paged answer."""

    body: bytes
    next_page: str | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.next_page or "")


class BodyCache:
    """Answers by strong ETag, least recently used evicted first, at most ``max_bytes`` in
    all. An answer is right for its ETag for ever, so nothing is invalidated."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, CachedBody] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> CachedBody | None:
        with self._lock:
            answer = self._answers.get(tag)
            if answer is not None:
                self._answers.move_to_end(tag)
            return answer

    def put(self, tag: str, answer: CachedBody) -> None:
        with self._lock:
            if tag in self._answers or answer.size > self.max_bytes:
                return
            self._answers[tag] = answer
            self._size += answer.size
            while self._size > self.max_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._size -= evicted.size


def cached(
    build: Callable[[], Any],
    answers: BodyCache,
    *,
    knowledge: Any,
    horizon: datetime | None = None,
    next_page: Callable[[Any], str | None] = lambda _: None,
    by_host: bool = False,
) -> Response:
    """Answer 304 when the client holds this very answer; otherwise build it once.
    ``knowledge`` is what the answer replays (each agreement's version). A read that takes
    ``known_at`` passes the ``horizon`` of that knowledge, the instant its permalink is
    asked at (``_permalink``), sent as Content-Location and as a Link. For a paged answer,
    ``next_page`` gives the URL of the page after the built one, if any, sent as a Link
    header (RFC 8288). An answer that writes absolute URLs says ``by_host``: its ETag names
    the host they name."""
    tag = _answer_tag(knowledge, by_host)
    g.tagged = True
    final = is_final(requests.question().get("known_at")) and _fixed_by_question()
    headers = {"ETag": tag, "Cache-Control": FINAL if final else REVALIDATE}
    canonical = _permalink(horizon)
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
        following = next_page(built)
        answer = CachedBody(representations.encode(built), following and representations.keep_format(following))
        answers.put(tag, answer)
    if answer.next_page is not None:
        headers["Link"] = ", ".join([link_to_next(answer.next_page), *links])
    return Response(answer.body, content_type=representations.content_type(), headers=headers)


def _permalink(instant: datetime | None) -> str | None:
    """This question asked with ``known_at`` = ``instant`` -- the instant of the knowledge a
    "now" answer was computed from -- and with each day it left to a default pinned: the
    same answer, which can never change once ``instant`` is final (is_final), so any HTTP
    cache may keep it for ever. None for an answer that named its ``known_at``, and for one
    whose defaulted day differs between the agreements it concerns (no one day pins it)."""
    days = _days_by_default()
    if instant is None or "known_at" in request.args or g.get("taken_now"):
        return None
    if any(len(found) != 1 for found in days.values()):
        return None
    arguments = {name: value for name, value in request.args.items() if name not in FRESHNESS}
    arguments |= {name: found[0].isoformat() for name, found in days.items()}
    arguments["known_at"] = instant.isoformat()
    return representations.keep_format(f"{request.path}?{urlencode(arguments)}")


def link_to_next(url: str) -> str:
    """A Link header value pointing to the next page (RFC 8288), as every paged list sends."""
    return f'<{url}>; rel="next"'
