"""The service's answers to a fixed list of questions, held as recorded (issue 27, "Done means").

A re-lay of the code must not change what the service answers. The shipped chronologies, a
fixed today and a fixed list of requests -- statuses on twenty days, timelines, events pages
(JSON and NDJSON), the feed, deadlines, the calendar, relations, parties, the agreements and
every problem a request can meet in-process -- give answers that are compared byte for byte
with ``answers/held.json``, once what differs between any two stores is put aside: the
instants events were recorded at, feed cursors (transaction ids), and the WAL positions in
consistency tokens. The OpenAPI document is held whole beside them.

When an answer is meant to change, record them again and read the diff before committing:
``PACT_RECORD_ANSWERS=1 .venv/bin/pytest tests/service/api/test_answers_held.py``.
"""

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.cli.seeding import seed
from service.storage import tokens
from tests.service.client import PACT, event

HELD = Path(__file__).parent / "answers" / "held.json"
DOCUMENT = Path(__file__).parent / "answers" / "openapi.json"
TODAY = "2026-01-15"
RECORD = os.environ.get("PACT_RECORD_ANSWERS") == "1"

GSOMIA = "/agreements/kr-jp-gsomia"
DAYS = ["2011-01-01", "2012-06-29", "2012-06-30", "2016-11-22", "2016-11-23", "2017-08-24", "2017-11-23",
        "2019-08-22", "2019-08-23", "2019-09-01", "2019-11-22", "2019-11-23", "2020-08-24", "2021-11-23",
        "2022-01-01", "2023-03-16", "2023-03-21", "2023-11-23", "2025-06-01", "2026-01-15"]  # fmt: skip
READS = [
    *(f"{GSOMIA}/status?on={day}" for day in DAYS),
    f"{GSOMIA}/status",
    f"{GSOMIA}/status?on=2021-11-23&perspective=KOR",
    f"{GSOMIA}/status?on=2021-11-23&perspective=JPN",
    f"{GSOMIA}/status?on=2019-09-01&known_at=2000-01-01T00:00:00Z",
    f"{GSOMIA}/timeline",
    f"{GSOMIA}/timeline?from=2019-01-01&to=2023-12-31&perspective=JPN",
    f"{GSOMIA}/history?on=2019-11-23",
    f"{GSOMIA}/events?limit=10",
    f"{GSOMIA}/events?after_version=24&limit=10",
    f"{GSOMIA}/parties?on=2019-09-01",
    f"{GSOMIA}/calendar.ics",
    f"{GSOMIA}/calendar.ics?perspective=KOR",
    f"{GSOMIA}/page",
    "/agreements",
    "/agreements?limit=3&phase=in_force",
    "/agreements?in_force_on=2015-01-01",
    GSOMIA,
    "/agreements/jp-deu-security-of-information/events",
    "/agreements/jp-fra-information-protection/status?on=2011-10-10",
    "/events?limit=5",
    "/deadlines?from=2019-01-01&to=2021-12-31",
    "/deadlines?from=2019-01-01&to=2021-12-31&perspective=JPN&limit=3",
    "/relations?between=KOR,JPN&on=2019-09-01",
    "/relations?between=JPN,FRA&on=2011-10-10",
    "/relations?between=KOR,USA,JPN",
    "/parties",
    "/parties/JPN/agreements?on=2015-01-01&phase=in_force",
    "/parties/KOR/agreements",
    "/healthz",
    "/",
    # Tables: a list as CSV, by format and by Accept below.
    f"{GSOMIA}/timeline?format=csv",
    f"{GSOMIA}/events?limit=3&format=csv",
    "/relations?between=KOR,JPN&on=2019-09-01&format=csv",
    "/datasets/dyads",
    "/datasets/dyads?party=KOR&granularity=year&format=csv",
]
# What a request can meet in-process, one problem type each (the server's own 408, 414 and
# 431, and the database's 503s, are the e2e tests').
PROBLEMS: list[tuple[str, str, Any, dict[str, str]]] = [
    ("GET", f"{GSOMIA}/status?on=2019-13-01", None, {}),
    ("GET", "/agreements/nope/status", None, {}),
    ("GET", "/parties/XYZ/agreements", None, {}),
    ("GET", "/nowhere", None, {}),
    ("DELETE", GSOMIA, None, {}),
    ("POST", f"{GSOMIA}/events", {"events": [event("context_noted", "2020-01-01")]}, {"Authorization": ""}),
    ("POST", f"{GSOMIA}/events", "{", {}),
    ("POST", f"{GSOMIA}/events", {"events": []}, {}),
    ("POST", f"{GSOMIA}/events", {"events": [event("entered_into_force", "2017-01-01")]}, {}),
    ("POST", f"{GSOMIA}/events", {"events": [event("context_noted", "2020-01-01")]}, {"If-Match": "3"}),
    ("POST", f"{GSOMIA}/events", {"events": [event("context_noted", "2020-01-01")]}, {"If-Match": '"3"'}),
    ("POST", f"{GSOMIA}/events", {"expected_version": 3, "events": [event("context_noted", "2020-01-01")]}, {}),
    ("POST", "/agreements", {**PACT, "id": "kr-jp-gsomia"}, {}),
    ("POST", "/agreements", "x" * (2 * 1024 * 1024), {}),
    ("POST", f"{GSOMIA}/events", b"events", {"Content-Type": "text/plain"}),
]
# Put aside what differs between two stores holding the same events.
VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,6}\+00:00"), "<recorded>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{1,6}%2B00%3A00"), "<recorded>"),
    (re.compile(r"DTSTAMP:\d{8}T\d{6}Z"), "DTSTAMP:<recorded>"),
    (re.compile(r"(\"cursor\": ?\"|\"next_after\": ?\"|after=)\d+-\d+"), r"\1<cursor>"),
    (re.compile(r"([a-z0-9-]+\.\d+\.)[0-9a-f]+\b"), r"\1<lsn>"),
]
HEADERS = ("Content-Type", "ETag", "Cache-Control", "Content-Location", "Link", "Allow", "Location", "Vary")


def steady(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def answered(client: FlaskClient, method: str, path: str, body: Any = None, **headers: str) -> dict[str, Any]:
    """One answer as held: status, the headers that carry meaning, and the body as text."""
    if isinstance(body, (dict, list)):
        response = client.open(path, method=method, json=body, headers=headers)
    else:
        response = client.open(path, method=method, data=body, headers={"Content-Type": "application/json", **headers})
    kept = {name: steady(response.headers[name]) for name in HEADERS if name in response.headers}
    return {"status": response.status_code, "headers": kept, "body": steady(response.get_data(as_text=True))}


@pytest.fixture
def fixed(service_url: str) -> Iterator[Flask]:
    """The service over the shipped chronologies, on a fixed today."""
    app = create_app({"DATABASE_URL": service_url, "TESTING": True, "TODAY": TODAY})
    seed(app.extensions["pact"].store)
    yield app
    app.extensions["pact"].close()


def test_the_answers_to_a_fixed_list_of_questions_are_as_held(fixed: Flask, connection: Any) -> None:
    client = fixed.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(connection, 'held')}"
    answers = {path: answered(client, "GET", path) for path in READS}
    answers[f"GET {GSOMIA}/events?limit=5 as NDJSON"] = answered(
        client, "GET", f"{GSOMIA}/events?limit=5", Accept="application/x-ndjson"
    )
    answers["GET /agreements?limit=2 as CSV"] = answered(client, "GET", "/agreements?limit=2", Accept="text/csv")
    answers[f"GET {GSOMIA}/status as CSV"] = answered(client, "GET", f"{GSOMIA}/status", Accept="text/csv")
    for method, path, body, headers in PROBLEMS:
        answers[f"{method} {path} {body!r:.80} {headers}"] = answered(client, method, path, body, **headers)
    document = client.get("/openapi.json").get_json()

    if RECORD:
        HELD.parent.mkdir(exist_ok=True)
        HELD.write_text(json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        DOCUMENT.write_text(json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    held = json.loads(HELD.read_text())
    assert sorted(answers) == sorted(held)
    for question, answer in answers.items():
        assert answer == held[question], question
    assert document == json.loads(DOCUMENT.read_text())
