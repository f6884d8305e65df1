"""Asking the seeded service about GSOMIA over HTTP."""

import pytest
from flask.testing import FlaskClient

from service.storage.database import head_revision
from service.storage.store import EventStore
from tests.service.client import SHIPPED_IDS, problem

pytestmark = pytest.mark.usefixtures("seeded")


def test_status_on_2019_09_01_is_in_force_with_a_pending_termination(client: FlaskClient) -> None:
    response = client.get("/agreements/kr-jp-gsomia/status?on=2019-09-01")

    assert response.status_code == 200
    body = response.get_json()
    assert body["on"] == "2019-09-01"
    assert body["phase"] == "in_force"
    assert body["since"] == "2016-11-23"
    assert body["termination"] == {
        "state": "pending",
        "notified_on": "2019-08-23",
        "notified_by": "Republic of Korea",
        "effective_on": "2019-11-23",
        "suspended_on": None,
        "conditional": False,
    }
    assert body["term"] == {
        "number": 3,
        "started_on": "2018-11-23",
        "ends_on": "2019-11-22",
        "notice_deadline": "2019-08-24",
        "renewal_disputed": False,
    }
    assert [e["type"] for e in body["based_on"]] == [
        "agreement_registered",
        "signed",
        "entered_into_force",
        "termination_notified",
    ]


def test_status_defaults_to_today_in_the_agreements_time_zone(client: FlaskClient) -> None:
    body = client.get("/agreements/kr-jp-gsomia/status").get_json()

    assert body["phase"] == "in_force"
    assert body["termination"] is None
    assert body["on"] >= "2026-01-01"


def test_listing_agreements_shows_each_with_todays_status(client: FlaskClient) -> None:
    body = client.get("/agreements").get_json()

    ids = [a["id"] for a in body["agreements"]]
    assert ids == SHIPPED_IDS
    tisa = body["agreements"][ids.index("kr-us-jp-tisa")]
    assert tisa["legally_binding"] is False
    assert tisa["status"]["phase"] == "in_force" and tisa["status"]["term"] is None


def test_one_agreement_has_terms_parties_version_and_status(client: FlaskClient) -> None:
    body = client.get("/agreements/kr-jp-gsomia").get_json()

    assert body["parties"] == ["Republic of Korea", "Japan"]
    assert body["party_ids"] == ["KOR", "JPN"]
    assert body["terms"] == {"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90}
    assert body["timezone"] == "Asia/Seoul"
    assert body["version"] == 32
    assert body["status"]["phase"] == "in_force"


def test_timeline_between_two_dates(client: FlaskClient) -> None:
    body = client.get("/agreements/kr-jp-gsomia/timeline?from=2019-08-01&to=2019-12-31").get_json()

    assert (body["from"], body["to"]) == ("2019-08-01", "2019-12-31")
    assert [(i["starts_on"], i["ends_on"], i["termination"], i["term"]) for i in body["intervals"]] == [
        ("2019-08-01", "2019-08-22", None, 3),
        ("2019-08-23", "2019-11-21", "pending", 3),
        ("2019-11-22", "2019-11-22", "suspended", 3),
        ("2019-11-23", "2019-12-31", "suspended", 4),
    ]
    assert body["intervals"][-1]["derived"] is True


def test_timeline_defaults_from_the_first_event_to_today(client: FlaskClient) -> None:
    body = client.get("/agreements/kr-jp-gsomia/timeline").get_json()

    assert body["from"] == "2011-01-10"
    assert body["intervals"][0]["phase"] == "negotiating"


def test_events_are_paginated_oldest_first(client: FlaskClient) -> None:
    first = client.get("/agreements/kr-jp-gsomia/events?limit=10").get_json()
    second = client.get(f"/agreements/kr-jp-gsomia/events?limit=10&after_version={first['next_after_version']}")
    last = client.get("/agreements/kr-jp-gsomia/events?after_version=24&limit=10").get_json()

    assert [e["version"] for e in first["events"]] == list(range(1, 11))
    assert [e["version"] for e in second.get_json()["events"]] == list(range(11, 21))
    assert [e["version"] for e in last["events"]] == list(range(25, 33))
    assert last["next_after_version"] is None


def test_each_event_carries_its_sources_and_both_times(client: FlaskClient) -> None:
    events = client.get("/agreements/kr-jp-gsomia/events?after_version=17&limit=1").get_json()["events"]

    notice = events[0]
    assert notice["type"] == "termination_notified"
    assert notice["occurred_on"] == "2019-08-23"
    assert notice["recorded_at"].startswith("20")
    assert notice["payload"]["notified_by"] == "Republic of Korea"
    assert notice["sources"][0]["publisher"] == "Yonhap"
    assert notice["sources"][0]["url"].startswith("https://")


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/agreements/kr-jp-gsomia/status?on=2019-02-30", "on"),
        ("/agreements/kr-jp-gsomia/status?on=yesterday", "on"),
        ("/agreements/kr-jp-gsomia/status?date=2019-01-01", "date"),
        ("/agreements/kr-jp-gsomia/timeline?from=2020-01-01&to=2019-01-01", "to"),
        ("/agreements/kr-jp-gsomia/timeline?from=1000-01-01&to=2019-01-01", "to"),
        ("/agreements/kr-jp-gsomia/events?limit=0", "limit"),
        ("/agreements/kr-jp-gsomia/events?limit=5000", "limit"),
        ("/agreements/kr-jp-gsomia/events?after_version=-1", "after_version"),
    ],
)
def test_bad_query_parameters_are_problems_naming_the_parameter(client: FlaskClient, path: str, parameter: str) -> None:
    response = client.get(path)

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["type"] == "/problems/invalid-query"
    assert body["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize(
    "path",
    ["/agreements/nope", "/agreements/nope/status", "/agreements/nope/timeline", "/agreements/nope/events"],
)
def test_an_unknown_agreement_is_a_404_problem(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["type"] == "/problems/agreement-not-found"


def test_an_unknown_route_and_a_wrong_method_are_problems_too(client: FlaskClient) -> None:
    missing = client.get("/nowhere")
    wrong = client.delete("/agreements/kr-jp-gsomia")

    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    assert (wrong.status_code, wrong.mimetype) == (405, "application/problem+json")
    assert "GET" in wrong.headers["Allow"]


def test_health_and_readiness(client: FlaskClient, seeded: EventStore) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok", "fixed_today": None}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["revision"] == head_revision()


def test_the_agreement_list_comes_in_pages_linked_to_the_next(client: FlaskClient, seeded: EventStore) -> None:
    first = client.get("/agreements?limit=9")
    second = client.get(first.headers["Link"].split(";")[0].strip("<>"))

    assert [a["id"] for a in first.get_json()["agreements"]] == SHIPPED_IDS[:9]
    assert first.get_json()["next_after"] == "kr-jp-gsomia"
    assert [a["id"] for a in second.get_json()["agreements"]] == ["kr-us-jp-tisa", "kr-us-military-secrets"]
    assert second.get_json()["next_after"] is None and "Link" not in second.headers
    assert client.get("/agreements").get_json()["agreements"] == [
        *first.get_json()["agreements"],
        *second.get_json()["agreements"],
    ]


@pytest.mark.parametrize("query", ["after=A%20B", "limit=0", "limit=1001", "after=x"])
def test_a_bad_page_of_agreements_is_400(client: FlaskClient, query: str) -> None:
    problem(client.get(f"/agreements?{query}"), 400, "invalid-query")
