"""Every question is read as written: a parameter a route does not know is refused on every
route alike, an instant that does not exist is refused rather than turned into another, and
OPTIONS says what a route allows without a page (issue 25, sections 3 to 5)."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.service.client import problem

pytestmark = pytest.mark.usefixtures("seeded")

# A value for each path parameter, so that every route is reached.
PATH_VALUES = {"agreement_id": "kr-jp-gsomia", "party_id": "KOR", "name": "x"}
# The feed's live stream would hold the connection open; every other route answers at once.
STREAMS = {"/events/stream"}


def documented_operations(client: FlaskClient) -> list[tuple[str, str]]:
    document = client.get("/openapi.json").get_json()
    return [
        (method.upper(), re.sub(r"\{(\w+)\}", lambda found: PATH_VALUES[found.group(1)], path))
        for path, operations in document["paths"].items()
        for method in operations
    ]


@pytest.mark.parametrize("unknown", ["bogus=1", "limit=1&bogus=1", "consistent_with_=x", "%00=1"])
def test_every_documented_route_refuses_a_parameter_it_does_not_know(client: FlaskClient, unknown: str) -> None:
    operations = documented_operations(client)
    answered = {}
    for method, path in operations:
        if path in STREAMS:
            continue
        response = client.open(f"{path}?{unknown}", method=method, json={} if method == "POST" else None)
        answered[(method, path)] = (response.status_code, response.get_json(force=True, silent=True) or {})

    assert len(operations) > 15
    refused = {operation: body.get("type") for operation, (status, body) in answered.items() if status == 400}
    assert refused == {operation: "/problems/invalid-query" for operation in answered}
    for _, body in answered.values():
        assert [error["parameter"] for error in body["errors"]] != []


@pytest.mark.parametrize(
    "path",
    ["/parties?limit=1", "/parties?consistent_with=kr-jp-gsomia.1.abc", "/agreements/kr-jp-gsomia?perspective=KOR",
     "/agreements/kr-jp-gsomia?consistent_with=kr-jp-gsomia.1.abc", "/healthz?x=1", "/openapi.json?x=1"],
)  # fmt: skip
def test_the_routes_without_parameters_name_the_one_they_refuse(client: FlaskClient, path: str) -> None:
    body = problem(client.get(path), 400, "invalid-query")

    assert body["errors"][0]["parameter"] == path.split("?")[1].split("=")[0]


def test_the_live_stream_refuses_a_parameter_it_does_not_know_before_it_starts(client: FlaskClient) -> None:
    problem(client.get("/events/stream?bogus=1"), 400, "invalid-query")


@pytest.mark.parametrize("offset", ["+00:60", "+05:99", "-00:60", "+13:60", "+23:60", "+24:00", "+99:00", "+0900"])
@pytest.mark.parametrize(
    "path",
    ["/agreements/kr-jp-gsomia/status?on=2019-09-01", "/agreements/kr-jp-gsomia/events",
     "/relations?between=KOR,JPN&on=2019-09-01", "/parties/KOR/agreements?on=2019-09-01",
     "/agreements/kr-jp-gsomia/timeline", "/agreements/kr-jp-gsomia/parties"],
)  # fmt: skip
def test_an_offset_that_does_not_exist_is_refused_naming_known_at(client: FlaskClient, path: str, offset: str) -> None:
    instant = f"2024-01-01T00:00{offset}".replace("+", "%2B")
    body = problem(client.get(f"{path}&known_at={instant}" if "?" in path else f"{path}?known_at={instant}"), 400,
                   "invalid-query")  # fmt: skip

    assert [error["parameter"] for error in body["errors"]] == ["known_at"]


@pytest.mark.parametrize("offset", ["+23:59", "-23:59", "-00:00", "+05:45"])
def test_every_offset_that_exists_is_echoed_as_asked(client: FlaskClient, offset: str) -> None:
    asked = f"2024-01-01T00:00:00{offset}"
    body = client.get(f"/relations?between=KOR,JPN&on=2019-09-01&known_at={asked.replace('+', '%2B')}").get_json()

    assert (body["on"], body["known_at"]) == ("2019-09-01", asked.replace("-00:00", "+00:00"))


@pytest.mark.parametrize("path", ["/agreements/kr-jp-gsomia/status", "/agreements", "/parties", "/healthz"])
def test_options_says_what_a_route_allows_without_a_page(client: FlaskClient, path: str) -> None:
    response = client.options(f"{path}?anything=1")

    assert response.status_code == 204
    assert response.get_data() == b"" and "Content-Type" not in response.headers
    assert "GET" in response.headers["Allow"] and "OPTIONS" in response.headers["Allow"]


def test_a_cors_preflight_is_still_answered_for_reads(app: Flask) -> None:
    response = app.test_client().options(
        "/agreements/kr-jp-gsomia/status",
        headers={"Origin": "https://dashboard.example", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://dashboard.example")
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
