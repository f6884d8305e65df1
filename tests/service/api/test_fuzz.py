"""Fuzzing every route: whatever a client sends, the answer is never a 5xx, and every error
is application/problem+json."""

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.cli.seeding import seed
from service.storage.store import EventStore
from tests.conftest import POOL_THREADS_USE_RANDOM

PARAMETERS = ["on", "known_at", "from", "to", "after_version", "limit", "after", "x"]
DAYS = st.dates().map(str)
TEXT = st.text(max_size=30)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT | DAYS
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4))
EVENT_TYPES = st.sampled_from(["signed", "context_noted", "termination_notified", "event_corrected", "nope"])
EVENTS = st.fixed_dictionaries(
    {"type": EVENT_TYPES, "occurred_on": DAYS, "sources": JSON},
    optional={"payload": JSON, "id": TEXT, "metadata": JSON},
)
BODIES = (
    JSON
    | st.fixed_dictionaries({"events": st.lists(EVENTS, max_size=3)}, optional={"expected_version": SCALARS})
    | st.fixed_dictionaries(
        {"id": TEXT | st.just("fuzz-pact"), "title": TEXT, "parties": JSON}, optional={"terms": JSON}
    )
)
HEADERS = st.dictionaries(
    st.sampled_from(["If-Match", "If-None-Match", "X-Request-ID", "Authorization"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40),
    max_size=3,
)


def routes(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    )


@st.composite
def requests(draw: st.DrawFn, app: Flask) -> dict[str, Any]:
    method, rule = draw(st.sampled_from(routes(app)))
    ids = st.sampled_from(["kr-jp-gsomia", "kr-us-jp-tisa", "nope-nope"]) | TEXT
    path = re.sub(r"<[^>]+>", lambda _: quote(draw(ids), safe=""), rule)
    query = draw(st.lists(st.tuples(st.sampled_from(PARAMETERS), TEXT | DAYS), max_size=4))
    body = draw(BODIES | st.binary(max_size=50)) if method == "POST" else None
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8", "surrogatepass")
    return {"method": method, "path": f"{path}?{urlencode(query)}", "headers": draw(HEADERS), "data": data}


@POOL_THREADS_USE_RANDOM
def test_no_request_gets_a_server_error(app: Flask, client: FlaskClient, store: EventStore) -> None:
    seed(store)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(app))
    def check(request: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json", **request.pop("headers")}
        # Closed unread: a live stream's body never ends, and closing frees its slot.
        with client.open(query_string=None, headers=headers, **request) as response:
            assert response.status_code < 500, response.get_data(as_text=True)
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"
                assert response.get_json(force=True)["status"] == response.status_code

    check()
