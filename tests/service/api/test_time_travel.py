"""Two time axes over HTTP: corrections, retractions, known_at, history and provenance."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from flask.testing import FlaskClient

from service.storage.store import EventStore
from tests.service.client import SOURCE, event, post, problem

PACT = "/agreements/test-pact"


def recorded_at(client: FlaskClient, response: Any) -> str:
    return response.get_json()["recorded_at"]  # type: ignore[no-any-return]


@pytest.fixture
def notice(client: FlaskClient, pact: str) -> dict[str, Any]:
    """A termination notice recorded with the wrong day (2019-08-30 instead of 2019-08-23)."""
    notice = {**event("termination_notified", "2019-08-30", notified_by="A"), "id": str(uuid4())}
    response = post(client, f"{pact}/events", {"events": [notice]})
    return {**notice, "recorded_at": recorded_at(client, response)}


def status(client: FlaskClient, on: str, known_at: str | None = None) -> dict[str, Any]:
    query = f"?on={on}" + (f"&known_at={known_at.replace('+', '%2B')}" if known_at else "")
    response = client.get(f"{PACT}/status{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def correct(client: FlaskClient, target: str, **payload: Any) -> Any:
    body = {"events": [{"type": "event_corrected", "payload": {"corrects": target, **payload}, "sources": [SOURCE]}]}
    return post(client, f"{PACT}/events", body)


def test_a_corrected_date_answers_old_before_and_new_after(client: FlaskClient, notice: dict[str, Any]) -> None:
    fixed = correct(client, notice["id"], corrected_occurred_on="2019-08-23", reason="the note was handed over on 23")
    assert fixed.status_code == 201

    before = status(client, "2019-09-01", known_at=notice["recorded_at"])
    after = status(client, "2019-09-01", known_at=recorded_at(client, fixed))
    now = status(client, "2019-09-01")

    assert before["termination"]["effective_on"] == "2020-11-23"
    assert after["termination"]["effective_on"] == "2019-11-23"
    assert now["termination"] == after["termination"]
    assert before["known_at"] == notice["recorded_at"]


def test_a_retracted_event_disappears_only_after_its_retraction(client: FlaskClient, notice: dict[str, Any]) -> None:
    body = {"events": [{"type": "event_retracted", "payload": {"retracts": notice["id"], "reason": "no such note"}}]}
    retracted = post(client, f"{PACT}/events", {"events": [{**body["events"][0], "sources": [SOURCE]}]})

    assert status(client, "2021-01-01", known_at=notice["recorded_at"])["phase"] == "terminated"
    assert status(client, "2021-01-01", known_at=recorded_at(client, retracted))["phase"] == "in_force"


def test_an_event_recorded_late_does_not_change_earlier_answers(client: FlaskClient, pact: str) -> None:
    before = datetime.now(UTC).isoformat()

    post(client, f"{pact}/events", {"events": [event("termination_notified", "2019-08-01", notified_by="B")]})

    assert status(client, "2019-09-01", known_at=before)["termination"] is None
    assert status(client, "2019-09-01")["termination"]["state"] == "pending"


def test_known_at_before_the_registration_knows_nothing(client: FlaskClient, pact: str) -> None:
    body = status(client, "2019-09-01", known_at="2020-01-01T00:00:00+09:00")

    assert (body["phase"], body["based_on"], body["known_at"]) == ("unknown", [], "2020-01-01T00:00:00+09:00")


def test_timeline_and_events_take_known_at_too(client: FlaskClient, notice: dict[str, Any]) -> None:
    correct(client, notice["id"], corrected_occurred_on="2019-08-23", reason="r")
    known_at = notice["recorded_at"].replace("+", "%2B")

    events = client.get(f"{PACT}/events?known_at={known_at}").get_json()
    timeline = client.get(f"{PACT}/timeline?from=2019-01-01&to=2019-12-31&known_at={known_at}").get_json()

    assert [e["type"] for e in events["events"]][-1] == "termination_notified"
    assert events["known_at"] == notice["recorded_at"]
    assert [(i["starts_on"], i["phase"]) for i in timeline["intervals"]] == [
        ("2019-01-01", "in_force"),
        ("2019-08-30", "in_force"),
        ("2019-11-23", "in_force"),
    ]
    corrected = client.get(f"{PACT}/timeline?from=2019-01-01&to=2019-12-31").get_json()
    assert [(i["starts_on"], i["phase"]) for i in corrected["intervals"]] == [
        ("2019-01-01", "in_force"),
        ("2019-08-23", "in_force"),
        ("2019-11-23", "terminated"),
    ]


@pytest.mark.parametrize("known_at", ["2020-01-01T00:00:00", "yesterday", "2020-13-01T00:00:00Z"])
def test_known_at_must_be_an_instant_with_an_offset(client: FlaskClient, pact: str, known_at: str) -> None:
    body = problem(client.get(f"{pact}/status?known_at={known_at}"), 400, "invalid-query")

    assert body["errors"][0]["parameter"] == "known_at"


def test_history_lists_each_recorded_change_of_one_days_status(client: FlaskClient, notice: dict[str, Any]) -> None:
    fixed = correct(client, notice["id"], corrected_occurred_on="2019-08-23", reason="r")

    body = client.get(f"{PACT}/history?on=2019-12-01").get_json()

    steps = [(c["old"]["phase"], c["new"]["phase"], [e["type"] for e in c["events"]]) for c in body["changes"]]
    assert steps == [
        ("unknown", "in_force", ["signed", "entered_into_force"]),
        ("in_force", "in_force", ["termination_notified"]),
        ("in_force", "terminated", ["event_corrected"]),
    ]
    assert body["changes"][-1]["recorded_at"] == recorded_at(client, fixed)
    assert body["changes"][-1]["new"]["since"] == "2019-11-23"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (lambda ids: str(uuid4()), "no earlier"),
        (lambda ids: ids["registration"], "registration cannot"),
        (lambda ids: ids["gsomia"], "belongs to agreement 'kr-jp-gsomia'"),
    ],
    ids=["unknown-event", "the-registration", "another-agreements-event"],
)
def test_corrections_that_name_the_wrong_event_are_422(
    client: FlaskClient, pact: str, seeded: EventStore, target: Any, reason: str
) -> None:
    ids = {
        "registration": client.get(f"{pact}/events?limit=1").get_json()["events"][0]["id"],
        "gsomia": client.get("/agreements/kr-jp-gsomia/events?limit=2").get_json()["events"][1]["id"],
    }

    body = problem(correct(client, target(ids), corrected_occurred_on="2019-01-01", reason="r"), 422, "rule-violation")

    assert reason in body["detail"]
    assert body["errors"][0]["pointer"] == "/events/0"


def test_a_retracted_event_cannot_be_corrected(client: FlaskClient, notice: dict[str, Any]) -> None:
    retraction = {"type": "event_retracted", "payload": {"retracts": notice["id"], "reason": "r"}, "sources": [SOURCE]}
    post(client, f"{PACT}/events", {"events": [retraction]})

    body = problem(correct(client, notice["id"], corrected_occurred_on="2019-08-23", reason="r"), 422, "rule-violation")

    assert "was retracted" in body["detail"]


def test_a_correction_the_rules_forbid_points_at_the_correction(client: FlaskClient, notice: dict[str, Any]) -> None:
    body = problem(correct(client, notice["id"], corrected_occurred_on="2015-01-01", reason="r"), 422, "rule-violation")

    assert body["errors"][0]["pointer"] == "/events/0"


def test_an_event_without_sources_is_refused(client: FlaskClient, pact: str) -> None:
    unsourced = {"type": "context_noted", "occurred_on": "2019-01-01"}
    empty = {**unsourced, "sources": []}

    for candidate in (unsourced, empty):
        body = problem(post(client, f"{pact}/events", {"events": [candidate]}), 422, "invalid-body")
        assert "/events/0/sources" in [e["pointer"] for e in body["errors"]]


def test_based_on_carries_what_a_client_needs_to_explain_the_status(client: FlaskClient, seeded: EventStore) -> None:
    body = client.get("/agreements/kr-jp-gsomia/status?on=2017-01-01").get_json()

    signed = next(e for e in body["based_on"] if e["type"] == "signed")
    assert signed["occurred_on"] == "2016-11-23"
    assert signed["payload"]["place"] == "Seoul"
    assert signed["payload"]["actors"] == ["Han Min-koo", "Yasumasa Nagamine"]
    assert signed["recorded_at"] and signed["corrected_by"] == []
    publishers = [source["publisher"] for source in signed["sources"]]
    assert "Ministry of Foreign Affairs of Japan" in publishers
    assert all({"publisher", "title", "published_on", "url"} <= set(source) for source in signed["sources"])
