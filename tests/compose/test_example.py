"""Examples of what an integration test asks of pact-chronology, each on its own."""

from uuid import uuid4

from .client import Service

SOURCE = {"publisher": "Example Gazette", "url": "https://example.org/report"}


def test_the_fixture_imported_at_start_is_there(service: Service) -> None:
    # fixtures/jp-ukr-information-protection.ndjson, imported by bootstrap (PACT_IMPORT).
    status = service.get("/agreements/jp-ukr-information-protection/status?on=2025-01-01")

    assert status.status == 200
    assert (status.body["phase"], status.body["since"]) == ("signed", "2024-11-16")


def test_today_is_the_day_the_service_was_started_with(service: Service, today: str) -> None:
    status = service.get("/agreements/kr-jp-gsomia/status").body

    assert status["on"] == today
    assert status["phase"] == "in_force" and status["termination"] is None
    assert status["term"] == {
        "number": 8,
        "started_on": "2023-11-23",
        "ends_on": "2024-11-22",
        "notice_deadline": "2024-08-24",
        "renewal_disputed": False,
    }


def test_wait_for_an_event_instead_of_sleeping(service: Service) -> None:
    # Take the feed's cursor before the write you wait for ...
    cursor = service.get("/events?limit=1000").body["next_after"]
    while page := service.get(f"/events?after={cursor}&limit=1000").body["events"]:
        cursor = page[-1]["cursor"]
    # ... let something write (here the test itself; in yours, the system under test) ...
    pact = f"example-{uuid4().hex[:8]}"
    registration = {"id": pact, "title": "An example pact", "parties": ["A", "B"], "terms": {}, "sources": [SOURCE]}
    assert service.post("/agreements", {**registration, "occurred_on": "2020-01-01"}).status == 201
    # ... and wait for it: the answer comes as soon as it is committed, at most 10 s here.
    page = service.get(f"/events?after={cursor}&wait=10").body

    assert [(event["agreement_id"], event["type"]) for event in page["events"]] == [(pact, "agreement_registered")]


def test_wait_for_the_next_version_of_one_agreement(service: Service) -> None:
    pact = f"example-{uuid4().hex[:8]}"
    registration = {"id": pact, "title": "An example pact", "parties": ["A", "B"], "terms": {}, "sources": [SOURCE]}
    assert service.post("/agreements", {**registration, "occurred_on": "2020-01-01"}).status == 201
    opened = {"type": "negotiations_opened", "occurred_on": "2020-01-02", "sources": [SOURCE]}
    assert service.post(f"/agreements/{pact}/events", {"events": [opened]}).status == 201

    page = service.get(f"/agreements/{pact}/events?after_version=1&wait=10").body
    nothing_more = service.get(f"/agreements/{pact}/events?after_version=2&wait=1").body

    assert [event["type"] for event in page["events"]] == ["negotiations_opened"]
    assert nothing_more["events"] == []  # the wait ended with nothing new: an empty page
