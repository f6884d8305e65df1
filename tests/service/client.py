"""Helpers for talking to the API in tests: request bodies, posting, checking problems."""

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

SOURCE = {
    "publisher": "Test Gazette",
    "title": "A report",
    "published_on": "2020-01-02",
    "url": "https://example.org/a",
}
PACT = {
    "id": "test-pact",
    "title": "A test pact",
    "parties": ["A", "B"],
    "terms": {"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90},
    "occurred_on": "2016-01-01",
    "sources": [SOURCE],
}


def event(kind: str, day: str, **payload: Any) -> dict[str, Any]:
    return {"type": kind, "occurred_on": day, "payload": payload, "sources": [SOURCE]}


def post(client: FlaskClient, path: str, body: Any, **headers: str) -> TestResponse:
    return client.post(path, json=body, headers=headers)


def problem(response: TestResponse, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["type"] == f"/problems/{kind}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body  # type: ignore[no-any-return]


# The shipped chronologies' agreements, in id order (service/chronology/).
SHIPPED_IDS = [
    "jp-aus-information-security",
    "jp-deu-security-of-information",
    "jp-fra-information-protection",
    "jp-gbr-information-protection",
    "jp-ind-information-protection",
    "jp-ita-information-protection",
    "jp-nato-information-protection",
    "jp-us-gsomia",
    "kr-jp-gsomia",
    "kr-us-jp-tisa",
    "kr-us-military-secrets",
]
