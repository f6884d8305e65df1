"""The OpenAPI document: valid OpenAPI 3.1, complete, and browsable at /docs.
Whether answers keep to it is schemathesis's part (tests/e2e/test_contract.py)."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from events.codec.fields import INSTANT_PATTERN
from service.api import openapi


@pytest.fixture
def document(anonymous: FlaskClient) -> dict:  # type: ignore[type-arg]
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1(document: dict) -> None:  # type: ignore[type-arg]
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented_with_its_methods(app: Flask, document: dict) -> None:  # type: ignore[type-arg]
    documented = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    served = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ("static", "openapi.swagger_ui_asset")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert documented == served


def test_a_route_without_a_promise_cannot_be_built_into_the_document(app: Flask) -> None:
    app.add_url_rule("/undocumented", "undocumented", lambda: "")
    with pytest.raises(LookupError, match="/undocumented"):
        openapi.build(app)


def test_writes_need_a_bearer_token_and_say_so(document: dict) -> None:  # type: ignore[type-arg]
    append = document["paths"]["/agreements/{agreement_id}/events"]["post"]
    assert append["security"] == [{"bearer": []}]
    assert append["responses"]["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert "security" not in document["paths"]["/agreements/{agreement_id}/status"]["get"]


def test_headers_and_problems_are_documented(document: dict) -> None:  # type: ignore[type-arg]
    status = document["paths"]["/agreements/{agreement_id}/status"]["get"]
    append = document["paths"]["/agreements/{agreement_id}/events"]["post"]
    register = document["paths"]["/agreements"]["post"]

    # Content-Location and Link name an answer about now's permalink (issue 15).
    assert set(status["responses"]["200"]["headers"]) == {"ETag", "Cache-Control", "Content-Location", "Link"}
    assert {"$ref": "#/components/parameters/If-None-Match"} in status["parameters"]
    assert {"$ref": "#/components/parameters/If-Match"} in append["parameters"]
    assert "Location" in register["responses"]["201"]["headers"]
    assert "Retry-After" in status["responses"]["503"]["headers"]
    assert set(append["responses"]) >= {"200", "201", "400", "401", "404", "409", "412", "413", "415", "422", "503"}
    problem = append["responses"]["409"]
    assert "/problems/version-conflict" in problem["description"]
    assert problem["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_query_parameters_come_from_the_views_schemas(document: dict) -> None:  # type: ignore[type-arg]
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/agreements/{agreement_id}/timeline"]["get"]["parameters"]
        if parameter.get("in") == "query"
    }
    assert set(parameters) == {"from", "to", "known_at", "perspective", "consistent_with", "format"}
    assert parameters["from"]["format"] == "date"
    assert parameters["known_at"] == {"type": "string", "format": "date-time", "pattern": f"^{INSTANT_PATTERN}$"}


def test_every_pattern_is_anchored_and_says_what_the_field_matches_whole(document: dict) -> None:  # type: ignore[type-arg]
    patterns = [found for found in _walk(document, "pattern") if isinstance(found, str)]

    assert len(patterns) >= 10
    assert all(pattern.startswith("^") and pattern.endswith("$") for pattern in patterns)
    assert not [pattern for pattern in patterns if "\\Z" in pattern or "\\A" in pattern or "(?" in pattern]


def _walk(node: object, key: str) -> Iterator[object]:
    """Every value under ``key`` anywhere in a JSON document."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _walk(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, key)


def test_the_docs_page_is_served_with_its_own_assets(anonymous: FlaskClient) -> None:
    page = anonymous.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/") for asset in assets)  # no CDN
    for asset in assets:
        response = anonymous.get(asset)
        response.close()  # a file response holds the file open until closed
        assert response.status_code == 200, asset


def test_links_lead_from_a_write_to_the_reads_of_its_agreement(document: dict) -> None:  # type: ignore[type-arg]
    operation_ids = {
        operation["operationId"] for operations in document["paths"].values() for operation in operations.values()
    }
    links = document["paths"]["/agreements"]["post"]["responses"]["201"]["links"]

    assert links["GetStatus"] == {
        "operationId": "agreements_get_status",
        "parameters": {"agreement_id": "$response.body#/id"},
    }
    every_link = [
        link
        for operations in document["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(every_link) == 5 and all(link["operationId"] in operation_ids for link in every_link)


def test_each_operation_lists_only_the_problems_it_can_send(document: dict) -> None:  # type: ignore[type-arg]
    stream = document["paths"]["/events/stream"]["get"]["responses"]["503"]["description"]
    status = document["paths"]["/agreements/{agreement_id}/status"]["get"]["responses"]["503"]["description"]

    assert "streams-exhausted" in stream and "streams-exhausted" not in status
    assert "401" not in document["paths"]["/agreements/{agreement_id}/status"]["get"]["responses"]
