"""Registering agreements and appending events over HTTP, and every way that can fail."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from flask.testing import FlaskClient

from events.rules.recording import latest_today
from service.storage.store import EventStore
from tests.service.client import PACT, event, post, problem


def test_registering_an_agreement(client: FlaskClient) -> None:
    response = post(client, "/agreements", PACT)

    assert response.status_code == 201
    assert response.headers["Location"] == "/agreements/test-pact"
    body = response.get_json()
    assert body["version"] == 1 and body["status"]["phase"] == "unknown"
    assert body["timezone"] == "UTC" and body["legally_binding"] is True


def test_six_months_notice_counts_in_months_from_the_31st(client: FlaskClient) -> None:
    terms = {"initial_term_months": 12, "renewal_term_months": 12, "notice_months": 6}
    assert post(client, "/agreements", {**PACT, "terms": terms}).status_code == 201
    signed = [event("signed", "2016-08-31"), event("entered_into_force", "2016-08-31")]
    assert post(client, "/agreements/test-pact/events", {"events": signed}).status_code == 201
    notice = event("termination_notified", "2017-02-28", notified_by="B")  # the last day to give it
    assert post(client, "/agreements/test-pact/events", {"events": [notice]}).status_code == 201

    agreement = client.get("/agreements/test-pact").get_json()
    pending = client.get("/agreements/test-pact/status?on=2017-08-30").get_json()

    assert agreement["terms"] == {**terms, "notice_days": None}
    assert pending["term"]["notice_deadline"] == "2017-02-28"
    assert pending["termination"]["effective_on"] == "2017-08-31"


@pytest.mark.usefixtures("seeded")
def test_terms_without_the_later_clauses_are_stored_and_shown_as_before(client: FlaskClient) -> None:
    registration = client.get("/agreements/kr-jp-gsomia/events?limit=1").get_json()["events"][0]

    assert registration["payload"]["terms"] == {"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90}


def test_a_suspended_notice_can_be_reactivated_by_the_party_that_gave_it(client: FlaskClient, pact: str) -> None:
    steps = [
        event("termination_notified", "2019-08-01", notified_by="A"),
        event("termination_notice_suspended", "2019-09-01", suspended_by="A"),
    ]
    assert post(client, f"{pact}/events", {"events": steps}).status_code == 201
    by_b = event("termination_notice_reactivated", "2020-03-01", reactivated_by="B", effective_on="2020-06-01")
    by_a = event("termination_notice_reactivated", "2020-03-01", reactivated_by="A", effective_on="2020-06-01")

    refused = problem(post(client, f"{pact}/events", {"events": [by_b]}), 422, "rule-violation")
    assert post(client, f"{pact}/events", {"events": [by_a]}).status_code == 201
    pending = client.get(f"{pact}/status?on=2020-05-31").get_json()
    ended = client.get(f"{pact}/status?on=2020-06-01").get_json()

    assert "only A" in refused["detail"]
    assert pending["termination"]["state"] == "pending" and pending["termination"]["effective_on"] == "2020-06-01"
    assert "termination_notice_reactivated" in [e["type"] for e in pending["based_on"]]
    assert (ended["phase"], ended["since"]) == ("terminated", "2020-06-01")


def test_either_party_may_give_notice_while_the_other_ones_is_suspended(client: FlaskClient, pact: str) -> None:
    steps = [
        event("termination_notified", "2019-08-01", notified_by="A"),
        event("termination_notice_suspended", "2019-09-01", suspended_by="A"),
        event("termination_notified", "2020-03-01", notified_by="B"),
    ]
    assert post(client, f"{pact}/events", {"events": steps}).status_code == 201

    status = client.get(f"{pact}/status?on=2020-03-02").get_json()

    assert (status["termination"]["notified_by"], status["termination"]["state"]) == ("B", "pending")
    assert [e["type"] for e in status["based_on"]].count("termination_notified") == 2


def test_registering_the_same_id_twice_is_a_conflict(client: FlaskClient) -> None:
    post(client, "/agreements", PACT)

    problem(post(client, "/agreements", PACT), 409, "agreement-exists")


def test_appending_returns_201_with_the_new_version(client: FlaskClient, pact: str) -> None:
    notice = event("termination_notified", "2019-08-23", notified_by="A")

    response = post(client, f"{pact}/events", {"expected_version": 3, "events": [notice]})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["version"], body["first_version"], body["replayed"]) == (4, 4, False)
    assert response.headers["ETag"] == '"4"'
    assert client.get(f"{pact}/status?on=2019-09-01").get_json()["termination"]["state"] == "pending"
    listed = client.get(response.headers["Location"]).get_json()["events"]
    assert [e["id"] for e in listed] == body["event_ids"]


def test_expected_version_can_come_from_if_match(client: FlaskClient, pact: str) -> None:
    notice = event("termination_notified", "2019-08-23", notified_by="A")

    stale = post(client, f"{pact}/events", {"events": [notice]}, **{"If-Match": '"2"'})
    fresh = post(client, f"{pact}/events", {"events": [notice]}, **{"If-Match": '"3"'})

    body = problem(stale, 412, "precondition-failed")
    assert (body["expected_version"], body["current_version"]) == (2, 3)
    assert fresh.status_code == 201


@pytest.mark.parametrize("header", ["*", 'W/"3"', '"3", "4"', '"three"'])
def test_if_match_must_be_one_strong_version_tag(client: FlaskClient, pact: str, header: str) -> None:
    body = {"events": [event("context_noted", "2019-01-01")]}

    problem(post(client, f"{pact}/events", body, **{"If-Match": header}), 400, "invalid-if-match")


def test_if_match_and_body_must_agree(client: FlaskClient, pact: str) -> None:
    body = {"expected_version": 2, "events": [event("context_noted", "2019-01-01")]}

    problem(post(client, f"{pact}/events", body, **{"If-Match": '"3"'}), 400, "invalid-if-match")


def test_a_stale_expected_version_is_a_409_that_appends_nothing(client: FlaskClient, pact: str) -> None:
    body = {"expected_version": 1, "events": [event("context_noted", "2019-01-01")]}

    conflict = problem(post(client, f"{pact}/events", body), 409, "version-conflict")

    assert (conflict["expected_version"], conflict["current_version"]) == (1, 3)
    assert client.get(pact).get_json()["version"] == 3


def test_resending_the_same_event_ids_returns_the_original_result(client: FlaskClient, pact: str) -> None:
    body = {"expected_version": 3, "events": [{**event("context_noted", "2019-01-01"), "id": str(uuid4())}]}
    first = post(client, f"{pact}/events", body)

    again = post(client, f"{pact}/events", body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["replayed"] is True
    assert again.get_json()["version"] == first.get_json()["version"] == 4
    assert client.get(pact).get_json()["version"] == 4


def test_the_same_event_id_with_another_body_is_a_409(client: FlaskClient, pact: str) -> None:
    event_id = str(uuid4())
    post(client, f"{pact}/events", {"events": [{**event("context_noted", "2019-01-01", summary="x"), "id": event_id}]})

    changed = {"events": [{**event("context_noted", "2019-01-01", summary="y"), "id": event_id}]}

    assert problem(post(client, f"{pact}/events", changed), 409, "event-id-conflict")["event_id"] == event_id


@pytest.mark.parametrize(
    ("events", "pointer", "reason"),
    [
        ([event("termination_notice_suspended", "2019-01-01", suspended_by="A")], "/events/0", "no pending"),
        (
            [
                event("termination_notified", "2019-01-01", notified_by="A"),
                event("termination_notified", "2019-02-01", notified_by="A"),
            ],
            "/events/1",
            "still on record",
        ),
        ([event("termination_notified", "2019-01-01", notified_by="Z")], "/events/0", "not a party"),
        ([event("negotiations_opened", "2015-01-01"), event("signed", "2015-06-01")], "/events", "signed"),
    ],
)
def test_events_the_rules_forbid_are_422_problems_pointing_at_the_event(
    client: FlaskClient, pact: str, events: list[dict[str, Any]], pointer: str, reason: str
) -> None:
    body = problem(post(client, f"{pact}/events", {"events": events}), 422, "rule-violation")

    assert body["errors"][0]["pointer"] == pointer
    assert reason in body["errors"][0]["detail"]
    assert client.get(pact).get_json()["version"] == 3


def test_entry_into_force_of_an_agreement_never_signed_is_refused(client: FlaskClient) -> None:
    post(client, "/agreements", PACT)

    body = problem(
        post(client, "/agreements/test-pact/events", {"events": [event("entered_into_force", "2016-11-23")]}),
        422,
        "rule-violation",
    )

    assert "never signed" in body["detail"]


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({"events": []}, "/events"),
        ({}, "/events"),
        ({"events": [event("termination_notified", "2019-01-01")]}, "/events/0/payload/notified_by"),
        ({"events": [event("no_such_type", "2019-01-01")]}, "/events/0/type"),
        ({"events": [event("context_noted", "2019-13-01")]}, "/events/0/occurred_on"),
        ({"events": [event("context_noted", "2999-01-01")]}, "/events/0/occurred_on"),
        ({"events": [event("context_noted", "2019-01-01", colour="red")]}, "/events/0/payload/colour"),
        ({"events": [{**event("context_noted", "2019-01-01"), "extra": 1}]}, "/events/0/extra"),
        ({"events": [event("context_noted", "2019-01-01")], "surprise": True}, "/surprise"),
        (
            {"events": [{**event("context_noted", "2019-01-01"), "sources": [{"title": "x"}]}]},
            "/events/0/sources/0/publisher",
        ),
        ({"events": [{**event("context_noted", "2019-01-01"), "id": "not-a-uuid"}]}, "/events/0/id"),
        ({"events": [event("agreement_registered", "2019-01-01")]}, "/events/0/type"),
        ({"expected_version": -1, "events": [event("context_noted", "2019-01-01")]}, "/expected_version"),
    ],
)
def test_invalid_bodies_are_422_problems_with_pointers(
    client: FlaskClient, pact: str, payload: dict[str, Any], pointer: str
) -> None:
    body = problem(post(client, f"{pact}/events", payload), 422, "invalid-body")

    assert pointer in [error["pointer"] for error in body["errors"]]
    assert client.get(pact).get_json()["version"] == 3


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"id": "Not A Slug"}, "/id"),
        ({"parties": ["A"]}, "/parties"),
        ({"parties": ["A", "A"]}, "/parties"),
        ({"parties": [{"id": "KOR", "name": "Korea"}, {"id": "KOR", "name": "Other"}]}, "/parties"),
        ({"parties": [{"id": "jpn", "name": "Japan"}, {"id": "JPN", "name": "jpn"}]}, "/parties"),
        ({"parties": [{"id": "Not An Id", "name": "A"}, "B"]}, "/parties/0/id"),
        ({"parties": [{"name": "A"}, "B"]}, "/parties/0/id"),
        ({"terms": {"renewal_term_months": 12}}, "/terms/renewal_term_months"),
        ({"terms": {"notice_days": 90, "notice_months": 3}}, "/terms/notice_months"),
        ({"terms": {"earliest_notice_months": 36}}, "/terms/earliest_notice_months"),
        ({"timezone": "Mars/Olympus"}, "/timezone"),
        ({"title": ""}, "/title"),
        ({"unknown": 1}, "/unknown"),
    ],
)
def test_invalid_registrations_are_422_problems(client: FlaskClient, change: dict[str, Any], pointer: str) -> None:
    body = problem(post(client, "/agreements", {**PACT, **change}), 422, "invalid-body")

    assert pointer in [error["pointer"] for error in body["errors"]]
    assert client.get("/agreements").get_json()["agreements"] == []


def test_parties_are_registered_with_ids_and_bare_names_get_derived_ones(client: FlaskClient) -> None:
    parties = [{"id": "KOR", "name": "Republic of Korea"}, "Japan", "NATO Allies"]
    created = post(client, "/agreements", {**PACT, "parties": parties})

    body = client.get(created.headers["Location"]).get_json()

    assert created.status_code == 201
    assert body["party_ids"] == ["KOR", "JPN", "nato-allies"]
    assert body["parties"] == ["Republic of Korea", "Japan", "NATO Allies"]


def test_a_body_that_is_not_json_is_415(client: FlaskClient, pact: str) -> None:
    response = client.post(f"{pact}/events", data="events=1", content_type="application/x-www-form-urlencoded")

    problem(response, 415, "unsupported-media-type")


def test_malformed_json_is_400(client: FlaskClient, pact: str) -> None:
    response = client.post(f"{pact}/events", data="{not json", content_type="application/json")

    problem(response, 400, "malformed-json")


def test_a_json_array_body_is_422(client: FlaskClient, pact: str) -> None:
    problem(post(client, f"{pact}/events", [1, 2]), 422, "invalid-body")


def test_an_oversized_body_is_413(client: FlaskClient, pact: str) -> None:
    huge = {"events": [event("context_noted", "2019-01-01", summary="x" * (2 * 1024 * 1024))]}

    problem(post(client, f"{pact}/events", huge), 413, "request-entity-too-large")


def test_appending_to_an_unknown_agreement_is_404(client: FlaskClient) -> None:
    response = post(client, "/agreements/nope/events", {"events": [event("context_noted", "2019-01-01")]})

    problem(response, 404, "agreement-not-found")


def test_metadata_records_the_request_correlation_id_and_the_writer(
    client: FlaskClient, pact: str, store: EventStore
) -> None:
    post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]}, **{"X-Request-ID": "req-42"})

    assert store.load("test-pact")[-1].metadata == {"correlation_id": "req-42", "recorded_by": "test-writer"}


def test_what_if_japan_had_given_the_2019_notice(client: FlaskClient) -> None:
    """GSOMIA's terms and first steps, registered anew, with the notice of 2019-08-23 given by
    Japan: Art. 21(3) lets either party give it, and only the party that gave it may undo it."""
    gsomia = {**PACT, "id": "what-if-gsomia", "parties": [{"id": "KOR", "name": "Republic of Korea"},
              {"id": "JPN", "name": "Japan"}], "occurred_on": "2016-11-23"}  # fmt: skip
    assert post(client, "/agreements", gsomia).status_code == 201
    steps = [event("signed", "2016-11-23"), event("entered_into_force", "2016-11-23"),
             event("termination_notified", "2019-08-23", notified_by="JPN")]  # fmt: skip
    assert post(client, "/agreements/what-if-gsomia/events", {"events": steps}).status_code == 201
    by_the_rok = event("termination_notice_suspended", "2019-11-22", suspended_by="KOR")

    refused = problem(
        post(client, "/agreements/what-if-gsomia/events", {"events": [by_the_rok]}), 422, "rule-violation"
    )
    pending = client.get("/agreements/what-if-gsomia/status?on=2019-09-01").get_json()
    ended = client.get("/agreements/what-if-gsomia/status?on=2019-11-23").get_json()

    assert "only Japan, who gave the notice, can suspend it" in refused["detail"]
    assert pending["termination"]["notified_by"] == "Japan" and pending["termination"]["effective_on"] == "2019-11-23"
    assert (ended["phase"], ended["since"], ended["term"]) == ("terminated", "2019-11-23", None)


def test_a_second_entry_into_force_is_refused_for_what_it_is(client: FlaskClient, pact: str) -> None:
    body = problem(post(client, f"{pact}/events", {"events": [event("entered_into_force", "2017-01-01")]}), 422,
                   "rule-violation")  # fmt: skip

    assert body["detail"].endswith("already entered into force on 2016-11-23 (it is in_force)")


def _a_window_that_runs_past_today() -> tuple[str, str]:
    """The first day of the month that runs past today everywhere on Earth, and its precision:
    this month's, unless today is its last day (then the next month's, which is in the future)."""
    tomorrow = latest_today(datetime.now(UTC)) + timedelta(days=1)
    return tomorrow.replace(day=1).isoformat(), "month"


def test_an_event_known_only_to_a_month_not_over_yet_is_refused_as_the_future_is(
    client: FlaskClient, pact: str
) -> None:
    day, precision = _a_window_that_runs_past_today()
    noted = event("context_noted", day, date_precision=precision)
    body = problem(post(client, f"{pact}/events", {"events": [noted]}), 422, "invalid-body")
    registered = post(
        client, "/agreements", {**PACT, "id": "later-pact", "occurred_on": day, "date_precision": precision}
    )

    assert [error["pointer"] for error in body["errors"]] == ["/events/0/occurred_on"]
    assert "future" in body["errors"][0]["detail"]
    assert [error["pointer"] for error in problem(registered, 422, "invalid-body")["errors"]] == ["/occurred_on"]


def test_a_correction_into_a_month_not_over_yet_is_refused(client: FlaskClient, pact: str) -> None:
    target = client.get(f"{pact}/events").get_json()["events"][-1]["id"]
    day, precision = _a_window_that_runs_past_today()
    correction = event("event_corrected", "2020-01-01", corrects=target, reason="the month only",
                       corrected_occurred_on=day, corrected_payload={"date_precision": precision})  # fmt: skip
    body = problem(post(client, f"{pact}/events", {"events": [correction]}), 422, "invalid-body")

    assert [error["pointer"] for error in body["errors"]] == ["/events/0/payload/corrected_occurred_on"]
