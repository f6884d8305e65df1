"""No request waits on the database for ever: a statement that cannot finish in time is a
503 the client can retry, and the thread is free again."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.cli.seeding import seed
from tests.service.client import event, post, problem


@pytest.fixture
def impatient(service_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": service_url, "STATEMENT_TIMEOUT": 0.3})
    seed(app.extensions["pact"].store)
    yield app
    app.extensions["pact"].close()


def test_a_statement_that_waits_too_long_is_a_503(impatient: Flask, connection: psycopg.Connection) -> None:
    client = impatient.test_client()
    # A question about an instant asks the database (one about now may be answered from memory).
    asked = f"/agreements/kr-jp-gsomia/status?on=2019-09-01&known_at={quote(datetime.now(UTC).isoformat())}"
    with connection.transaction():
        connection.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        waited = client.get(asked)
    after = client.get(asked)

    problem(waited, 503, "database-timeout")
    assert waited.headers["Retry-After"]
    assert after.status_code == 200


def test_only_a_sane_request_id_is_recorded(client: FlaskClient, pact: str) -> None:
    post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]}, **{"X-Request-ID": "x" * 300})
    post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-02")]}, **{"X-Request-ID": "a b"})

    stored = client.get(f"{pact}/events?after_version=3").get_json()["events"]
    # Each unusable id is replaced by one the service makes up, as for a request without one.
    assert [set(e["metadata"]) for e in stored] == [{"correlation_id", "recorded_by"}] * 2
    assert all(re.fullmatch("[0-9a-f]{32}", e["metadata"]["correlation_id"]) for e in stored)
