"""HTTP caching that is correct: strong ETags that change exactly when an answer could.

An answer depends on the query, on the events known at ``known_at``, and -- when the
query leaves a date to its default -- on today's date. The ETag hashes exactly those.
An answer about a ``known_at`` older than the commit-lag bound can never change (the
events table refuses commits that late), so shared caches may keep it for good; every
other answer must be revalidated, which costs one small query and no replay.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, jsonify, request

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
    return (knowledge.known, knowledge.version, known_at.isoformat() if known_at else None)


def cached(parts: tuple[Any, ...], known_at: datetime | None, build: Callable[[], Any]) -> Response:
    """Answer 304 when the client holds this very answer; otherwise build it once."""
    tag = etag(*parts)
    headers = {"ETag": tag, "Cache-Control": FINAL if is_final(known_at) else REVALIDATE}
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches our "x" too.
    if request.if_none_match.contains_weak(tag.strip('"')):
        return Response(status=304, headers=headers)
    response = jsonify(build())
    response.headers.update(headers)
    return response
