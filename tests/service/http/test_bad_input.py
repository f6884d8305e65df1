"""Bad input never gives a 500: each case the issue tracker found is a clear 4xx problem."""

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.service.client import PACT, event, post, problem

APPEND = "/agreements/test-pact/events"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/status?on=9999-12-31", "on"),
        ("/history?on=9999-12-31", "on"),
        ("/timeline?to=9999-12-31", "to"),
        ("/timeline?from=8990-01-01&to=9999-12-31", "to"),
        ("/status?on=0001-01-01", "on"),
        ("/status?on=20190901", "on"),
        ("/status?on=2019-W35-1", "on"),
        ("/status?known_at=9999-12-31T23:59:59-14:00", "known_at"),
        ("/status?known_at=2020-01-01T00:00:00", "known_at"),
        ("/events?limit=١٠", "limit"),
        ("/events?limit=1_000", "limit"),
        ("/events?limit=+5", "limit"),
        ("/events?after_version=99999999999", "after_version"),
        ("/events?limit=5&limit=6", "limit"),
        ("/status?on=2020-01-01&on=2020-01-02", "on"),
    ],
)
def test_query_parameters_are_strict(client: FlaskClient, pact: str, path: str, parameter: str) -> None:
    body = problem(client.get(pact + path), 400, "invalid-query")

    assert body["errors"][0]["parameter"] == parameter


def test_the_agreement_list_refuses_unknown_parameters(client: FlaskClient) -> None:
    problem(client.get("/agreements?x=1"), 400, "invalid-query")


@pytest.mark.parametrize("path", ["/agreements/a%00b", "/agreements/a%00b/status", "/agreements/A-B", "/agreements/x"])
def test_a_malformed_agreement_id_is_not_found(client: FlaskClient, path: str) -> None:
    problem(client.get(path), 404, "not-found")


def test_a_malformed_agreement_id_cannot_be_appended_to(client: FlaskClient) -> None:
    response = post(client, "/agreements/a%00b/events", {"events": [event("context_noted", "2019-01-01")]})

    problem(response, 404, "not-found")


def append(client: FlaskClient, raw: str | bytes, **headers: str) -> Any:
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return client.post(APPEND, data=data, content_type="application/json", headers=headers)


def expecting(version: Any) -> str:
    return json.dumps({"expected_version": version, "events": [event("context_noted", "2019-01-01")]})


def with_event(**fields: Any) -> str:
    return json.dumps({"events": [{**event("context_noted", "2019-01-01"), **fields}]})


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        (with_event(payload={"summary": "a\u0000b"}), "/events/0/payload/summary"),
        (with_event(payload={"a\u0000": 1}), "/events/0/payload/a\ufffd"),
        ('{"events": [{"type": "context_noted", "occurred_on": "2019-01-01", "sources": [{"publisher": "X\\ud800"}]}]}',
         "/events/0/sources/0/publisher"),
        (with_event(occurred_on="0001-01-01"), "/events/0/occurred_on"),
        (with_event(occurred_on="999-01-01"), "/events/0/occurred_on"),
        (expecting(1.5), "/expected_version"),
        (expecting("3"), "/expected_version"),
        (expecting(True), "/expected_version"),
        (expecting(10**40), "/expected_version"),
        (with_event(payload={"deep": json.loads("[" * 40 + "]" * 40)}), "/events/0/payload/deep" + "/0" * 29),
    ],
)  # fmt: skip
def test_bodies_are_strict(client: FlaskClient, pact: str, raw: str, pointer: str) -> None:
    body = problem(append(client, raw), 422, "invalid-body")

    assert pointer in [error["pointer"] for error in body["errors"]]
    assert client.get(f"{pact}/events").get_json()["events"][-1]["version"] == 3


@pytest.mark.parametrize("raw", ["[" * 10_000 + "]" * 10_000, '{"a": NaN}', '{"a": Infinity}', b'{"a": "\xff"}', "{"])
def test_malformed_json_is_400(client: FlaskClient, pact: str, raw: str) -> None:
    problem(append(client, raw), 400, "malformed-json")


@pytest.mark.parametrize("tag", ['""', '"²"', '"' + "9" * 5000 + '"', '"١"', "3", 'W/"3"', '"3", "4"', "*", '"-1"'])
def test_if_match_is_one_strong_version_tag(client: FlaskClient, pact: str, tag: str) -> None:
    problem(append(client, with_event(), **{"If-Match": tag}), 400, "invalid-if-match")


def test_a_whole_number_written_with_a_fraction_is_the_integer_as_json_schema_counts_it(client: FlaskClient) -> None:
    registered = post(client, "/agreements", {**PACT, "terms": {**PACT["terms"], "initial_term_months": 12.0}})

    assert registered.status_code == 201, registered.get_json()
    assert registered.get_json()["terms"]["initial_term_months"] == 12


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"timezone": "localtime"}, "/timezone"),
        ({"timezone": "Not/AZone"}, "/timezone"),
        ({"legally_binding": "yes"}, "/legally_binding"),
        ({"legally_binding": 1}, "/legally_binding"),
        ({"terms": {"initial_term_months": 12.5}}, "/terms/initial_term_months"),
        ({"occurred_on": "9999-12-31"}, "/occurred_on"),
        ({"id": "abc\n"}, "/id"),
        ({"sources": [{"publisher": "X", "published_on": "0001-01-01"}]}, "/sources/0/published_on"),
    ],
)
def test_registrations_are_strict(client: FlaskClient, change: dict[str, Any], pointer: str) -> None:
    body = problem(post(client, "/agreements", {**PACT, **change}), 422, "invalid-body")

    assert pointer in [error["pointer"] for error in body["errors"]]
