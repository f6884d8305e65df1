"""What operators and browser dashboards rely on: request ids, CORS for reads, metrics."""

import re
from uuid import uuid4

import psycopg
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.storage.store import EventStore
from tests.service.client import event, post, problem


def test_a_usable_request_id_is_echoed_and_a_missing_one_is_made_up(client: FlaskClient, pact: str) -> None:
    given = client.get(f"{pact}/status?on=2019-09-01", headers={"X-Request-ID": "trace-7"})
    made_up = client.get(f"{pact}/status?on=2019-09-01")
    refused = client.get(f"{pact}/status?on=2019-09-01", headers={"X-Request-ID": "has spaces"})

    assert given.headers["X-Request-ID"] == "trace-7"
    assert re.fullmatch(r"[0-9a-f]{32}", made_up.headers["X-Request-ID"])
    assert refused.headers["X-Request-ID"] != "has spaces"


def test_problems_carry_the_request_id_too(client: FlaskClient) -> None:
    response = client.get("/agreements/nope", headers={"X-Request-ID": "trace-8"})

    problem(response, 404, "agreement-not-found")
    assert response.headers["X-Request-ID"] == "trace-8"


def test_an_appended_event_is_correlated_with_the_request_that_wrote_it(
    client: FlaskClient, pact: str, store: EventStore
) -> None:
    response = post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]})

    assert store.load("test-pact")[-1].metadata["correlation_id"] == response.headers["X-Request-ID"]


def test_browsers_on_any_origin_may_read_by_default(client: FlaskClient, pact: str) -> None:
    response = client.get(f"{pact}/status", headers={"Origin": "https://dashboard.example"})

    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://dashboard.example")
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_browsers_are_not_offered_writes(client: FlaskClient, pact: str) -> None:
    preflight = client.options(
        f"{pact}/events",
        headers={
            "Origin": "https://dashboard.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")


def test_cors_origins_are_configurable(app: Flask, service_url: str) -> None:
    from service.app import create_app

    restricted = create_app({"DATABASE_URL": service_url, "CORS_ORIGINS": "https://a.example, https://b.example"})
    try:
        reader = restricted.test_client()
        allowed = reader.get("/healthz", headers={"Origin": "https://b.example"})
        other = reader.get("/healthz", headers={"Origin": "https://evil.example"})
    finally:
        restricted.extensions["pact"].close()

    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Access-Control-Allow-Origin" not in other.headers


def _samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def test_metrics_count_requests_by_route_and_status_and_appends(client: FlaskClient, pact: str) -> None:
    route = (("method", "GET"), ("route", "/agreements/<agreement:agreement_id>/status"), ("status", "200"))
    requests = ("pact_http_requests_total", route)
    appended = ("pact_events_appended_total", ())
    before = _samples(client)

    client.get(f"{pact}/status?on=2019-09-01")
    client.get(f"{pact}/status?on=2019-09-02")
    post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]})
    client.get("/no/such/route")
    after = _samples(client)

    assert after[requests] - before.get(requests, 0) == 2
    assert after[appended] - before[appended] == 1
    latency = ("pact_http_request_duration_seconds_count", (route[0], route[1]))
    assert after[latency] - before.get(latency, 0) == 2
    assert any(("route", "unmatched") in labels for _, labels in after)
    assert not any("/no/such/route" in str(labels) for _, labels in after)  # no series per raw path
    assert after[("pact_pool_connections", (("state", "open"),))] >= 1


def test_an_event_written_by_a_newer_release_is_a_503_naming_it_not_a_500(
    client: FlaskClient, connection: psycopg.Connection
) -> None:
    """A newer release sharing the database (a rolling upgrade) wrote it after start-up."""
    event_id = uuid4()
    connection.execute(
        "INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources)"
        " VALUES (%s, 'newer', 1, 'agreement_registered', 9, '2016-11-23', '{\"timezone\": \"UTC\"}', '[]')",
        (event_id,),
    )
    connection.commit()

    for url in ("/agreements/newer/status", "/agreements", "/agreements/newer/page"):
        body = problem(client.get(url), 503, "unreadable-event")
        assert body["event_id"] == str(event_id) and "newer release" in body["detail"], url


def test_the_pages_name_the_parties_by_name(client: FlaskClient, seeded: EventStore) -> None:
    index = client.get("/").get_data(as_text=True)
    page = client.get("/agreements/kr-jp-gsomia/page").get_data(as_text=True)

    assert "Republic of Korea · Japan" in index and "Republic of Korea · Japan" in page
    assert "Party(" not in index + page
