"""Read-your-writes: every write answer carries a consistency token, and a read that sends
it back sees the write -- even one made elsewhere, which this server may not have heard of."""

from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.settings import DEFAULTS
from service.storage.knowledge.versions import LISTENER_NAME
from service.storage.pool import open_pool
from service.storage.results import ConsistencyToken
from service.storage.store import EventStore
from tests.service.api.test_long_poll import until
from tests.service.client import PACT, event, post, problem
from tests.service.storage.test_known import note, registration


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[EventStore]:
    """Another server's store on the same database (or the CLI's): this app hears of its
    writes only through the database."""
    pool = open_pool(database_url, DEFAULTS, size=1)
    yield EventStore(pool)
    pool.close()


def live(app: Flask) -> bool:
    return bool(app.extensions["pact"].store.known.live)


def test_every_write_answer_names_its_write(client: FlaskClient) -> None:
    registration = PACT | {"event_id": str(uuid4())}
    registered = post(client, "/agreements", registration)
    appended = post(client, "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]})
    retried = post(client, "/agreements", registration)

    for answer, version in ((registered, 1), (appended, 2)):
        token = ConsistencyToken.parse(answer.headers["Consistency-Token"])
        assert answer.get_json()["consistency_token"] == answer.headers["Consistency-Token"]
        assert (token.stream_id, token.version) == ("test-pact", version) and token.lsn > 0
    assert retried.status_code == 200 and ConsistencyToken.parse(retried.headers["Consistency-Token"]).version == 1


def test_a_read_with_the_token_of_a_write_made_elsewhere_sees_it(
    app: Flask, client: FlaskClient, elsewhere: EventStore
) -> None:
    until(lambda: live(app))
    elsewhere.append("test-pact", [registration()], 0)
    for version in range(2, 12):
        token = str(elsewhere.append("test-pact", [note(version)], version - 1).token)
        by_header = client.get("/agreements/test-pact/events?limit=1000", headers={"Consistency-Token": token})
        by_query = client.get(f"/agreements/test-pact/status?consistent_with={token}")

        assert by_header.get_json()["events"][-1]["version"] == version
        assert by_query.status_code == 200
        assert by_query.headers["ETag"] == client.get("/agreements/test-pact/status").headers["ETag"]


def test_a_token_the_server_never_comes_to_know_is_answered_from_the_database_in_time(
    database_url: str, service_url: str, elsewhere: EventStore
) -> None:
    app = create_app({"DATABASE_URL": service_url, "TESTING": True, "CONSISTENCY_WAIT": 0.2})
    try:
        elsewhere.append("test-pact", [registration()], 0)
        forged = "test-pact.999.ffffffff"

        answer = app.test_client().get(f"/agreements/test-pact/events?consistent_with={forged}")

        assert answer.status_code == 200 and [e["version"] for e in answer.get_json()["events"]] == [1]
    finally:
        app.extensions["pact"].close()


def test_a_malformed_token_is_refused_where_it_was_sent(client: FlaskClient) -> None:
    post(client, "/agreements", PACT)

    in_query = client.get("/agreements/test-pact/status?consistent_with=test-pact.one.2")
    in_header = client.get("/agreements/test-pact/timeline", headers={"Consistency-Token": "x\x01"})

    assert problem(in_query, 400, "invalid-query")["errors"][0]["parameter"] == "consistent_with"
    assert problem(in_header, 400, "invalid-query")["errors"][0]["parameter"] == "Consistency-Token"


def test_a_permalink_leaves_the_token_out(client: FlaskClient) -> None:
    token = post(client, "/agreements", PACT).headers["Consistency-Token"]

    answer = client.get(f"/agreements/test-pact/status?consistent_with={token}")

    assert "consistent_with" not in answer.headers["Content-Location"]
    assert "known_at=" in answer.headers["Content-Location"]


def test_no_read_is_answered_from_before_a_write_while_the_listener_is_blind(
    app: Flask, client: FlaskClient, elsewhere: EventStore, connection: psycopg.Connection
) -> None:
    until(lambda: live(app))
    elsewhere.append("test-pact", [registration()], 0)
    for version in range(2, 8):
        connection.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (LISTENER_NAME,),
        )
        elsewhere.append("test-pact", [note(version)], version - 1)

        answer = client.get("/agreements/test-pact/events?limit=1000")

        assert answer.get_json()["events"][-1]["version"] == version


def test_reads_about_now_are_answered_from_memory_once_it_is_live(app: Flask, client: FlaskClient) -> None:
    post(client, "/agreements", PACT)
    until(lambda: live(app))
    reads = _knowledge_reads()

    for _ in range(20):
        client.get("/agreements/test-pact/status")

    after = _knowledge_reads()
    assert after["memory"] - reads["memory"] >= 18  # a heartbeat in between may ask the database once
    assert after["database"] - reads["database"] <= 2


def _knowledge_reads() -> dict[str, float]:
    from prometheus_client import REGISTRY

    return {
        source: REGISTRY.get_sample_value("pact_knowledge_reads_total", {"source": source}) or 0.0
        for source in ("memory", "database")
    }


def test_appends_made_here_are_seen_by_the_next_read_from_memory(app: Flask, client: FlaskClient) -> None:
    post(client, "/agreements", PACT)
    until(lambda: live(app))
    for version in range(2, 12):
        appended = post(client, "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]})
        assert appended.get_json()["version"] == version

        assert client.get("/agreements/test-pact/events?limit=1000").get_json()["events"][-1]["version"] == version
