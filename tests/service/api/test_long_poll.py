"""Long-polls (``wait=``): a read of the feed or of one agreement's events that answers as
soon as an event past the client's cursor is committed, or with an empty page when its
wait ends -- so integration tests wait for a write instead of sleeping."""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.api import waiting
from service.app import create_app
from service.http.handles import Handles
from service.storage import tokens
from tests.service.client import PACT, event, post, problem

WaitingApp = Callable[..., FlaskClient]


@pytest.fixture
def waiting_app(service_url: str, connection: psycopg.Connection) -> Iterator[WaitingApp]:
    """A writing client of an app made with the given settings."""
    apps: list[Flask] = []

    def make(**settings: Any) -> FlaskClient:
        app = create_app({"DATABASE_URL": service_url, "TESTING": True, **settings})
        apps.append(app)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(connection, f'writer-{len(apps)}')}"
        return client

    yield make
    for app in apps:
        resources: Handles = app.extensions["pact"]
        resources.close()


@pytest.fixture
def api(waiting_app: WaitingApp) -> FlaskClient:
    client = waiting_app()
    assert post(client, "/agreements", PACT).status_code == 201
    return client


class Asked:
    """A request running in a thread of its own, as a waiting client would."""

    def __init__(self, client: FlaskClient, path: str) -> None:
        self.response: TestResponse | None = None
        self.thread = threading.Thread(target=self._ask, args=(client, path))
        self.thread.start()

    def _ask(self, client: FlaskClient, path: str) -> None:
        self.response = client.get(path)

    def answer(self, within: float) -> TestResponse:
        self.thread.join(timeout=within)
        assert self.response is not None, f"no answer within {within} s"
        return self.response


def listening(connection: psycopg.Connection) -> int:
    """How many connections to this test's database LISTEN for appends: one per waiting request."""
    row = connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"
    ).fetchone()
    return int(row[0]) if row else 0


def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        threading.Event().wait(0.02)


def end_of_feed(client: FlaskClient, count: int) -> str:
    """The cursor after the ``count`` events there are. The feed shows an event once every
    transaction older than it has ended anywhere on the server (other tests' too), so this
    waits for them, with the feed's own long-poll."""
    cursor, seen = "0-0", 0
    while seen < count:
        page = client.get(f"/events?after={cursor}&limit=1000&wait=10").get_json()
        seen, cursor = seen + len(page["events"]), page["next_after"]
    return cursor


def test_a_feed_long_poll_answers_with_the_event_once_it_is_committed(
    api: FlaskClient, connection: psycopg.Connection
) -> None:
    cursor = end_of_feed(api, 1)
    asked = Asked(api, f"/events?after={cursor}&wait=30")
    until(lambda: listening(connection) == 1)
    appended = post(api, "/agreements/test-pact/events", {"events": [event("negotiations_opened", "2016-02-01")]})

    page = asked.answer(within=25).get_json()
    assert [entry["id"] for entry in page["events"]] == appended.get_json()["event_ids"]
    assert page["next_after"] == page["events"][0]["cursor"]
    until(lambda: listening(connection) == 0)  # the waiting request gave its connection back


def test_an_agreement_long_poll_answers_with_the_next_version_once_it_is_committed(
    api: FlaskClient, connection: psycopg.Connection
) -> None:
    asked = Asked(api, "/agreements/test-pact/events?after_version=1&wait=30")
    until(lambda: listening(connection) == 1)
    appended = post(api, "/agreements/test-pact/events", {"events": [event("negotiations_opened", "2016-02-01")]})

    answer = asked.answer(within=25)
    assert answer.status_code == 200
    assert [entry["version"] for entry in answer.get_json()["events"]] == [2]
    assert answer.get_json()["events"][0]["id"] == appended.get_json()["event_ids"][0]


def test_a_long_poll_answers_an_empty_page_when_its_wait_ends(api: FlaskClient) -> None:
    cursor = end_of_feed(api, 1)

    feed = api.get(f"/events?after={cursor}&wait=1")
    events = api.get("/agreements/test-pact/events?after_version=1&wait=1")

    assert (feed.status_code, events.status_code) == (200, 200)
    assert feed.get_json()["events"] == [] and feed.get_json()["next_after"] == cursor
    assert events.get_json()["events"] == [] and events.get_json()["next_after_version"] is None


def test_what_is_there_already_is_answered_at_once_without_waiting(
    api: FlaskClient, connection: psycopg.Connection
) -> None:
    feed = api.get("/events?after=0-0&wait=30")
    events = api.get("/agreements/test-pact/events?after_version=0&wait=30")

    assert len(feed.get_json()["events"]) == 1 and len(events.get_json()["events"]) == 1
    assert listening(connection) == 0


def test_a_long_poll_as_known_at_a_past_instant_answers_at_once(api: FlaskClient) -> None:
    known_at = quote(api.get("/agreements/test-pact/events").get_json()["known_at"])
    asked = Asked(api, f"/agreements/test-pact/events?after_version=1&wait=30&known_at={known_at}")

    assert asked.answer(within=10).get_json()["events"] == []


def test_the_server_may_end_a_wait_sooner(waiting_app: WaitingApp) -> None:
    client = waiting_app(MAX_WAIT_SECONDS=1)
    asked = Asked(client, f"/events?after={end_of_feed(client, 0)}&wait=30")

    assert asked.answer(within=10).get_json()["events"] == []


def test_every_wait_ends_once_the_server_begins_to_stop(
    api: FlaskClient, connection: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "_STOPPING", threading.Event())  # this test's process only
    asked = Asked(api, f"/events?after={end_of_feed(api, 1)}&wait=30")
    until(lambda: listening(connection) == 1)

    waiting.stop_waiting()

    assert asked.answer(within=5).get_json()["events"] == []
    with api.get("/events/stream") as stream:  # one asked for now ends at once, telling to come back
        assert stream.get_data(as_text=True).endswith("\n\n: the server is stopping\nretry: 1000\n\n")
    until(lambda: listening(connection) == 0)


def test_waiting_requests_share_the_worker_s_slots_with_live_streams(
    waiting_app: WaitingApp, connection: psycopg.Connection
) -> None:
    client = waiting_app(MAX_STREAMS=1)
    cursor = end_of_feed(client, 0)
    first = Asked(client, f"/events?after={cursor}&wait=30")
    until(lambda: listening(connection) == 1)

    refused = client.get(f"/events?after={cursor}&wait=30")
    stream = client.get("/events/stream")
    at_once = client.get(f"/events?after={cursor}")
    assert post(client, "/agreements", PACT).status_code == 201

    assert problem(refused, 503, "streams-exhausted")["detail"].endswith("ask without wait")
    assert refused.headers["Retry-After"]
    problem(stream, 503, "streams-exhausted")
    assert at_once.status_code == 200
    assert first.answer(within=10).status_code == 200


@pytest.mark.parametrize("wait", ["31", "-1", "1.5", "soon", ""])
def test_a_wait_is_whole_seconds_up_to_30(api: FlaskClient, wait: str) -> None:
    problem(api.get(f"/events?wait={wait}"), 400, "invalid-query")
    problem(api.get(f"/agreements/test-pact/events?wait={wait}"), 400, "invalid-query")


def test_a_long_poll_on_an_unknown_agreement_is_a_404_at_once(api: FlaskClient) -> None:
    problem(api.get("/agreements/no-such-pact/events?wait=30"), 404, "agreement-not-found")
