"""What dashboards ask: filtered agreement lists, coming deadlines, a calendar to subscribe
to, and a Link to the next page on every list."""

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar

from tests.service.client import PACT, SHIPPED_IDS, event, post, problem

pytestmark = pytest.mark.usefixtures("seeded")


def ids(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"/agreements?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [agreement["id"] for agreement in response.get_json()["agreements"]]


def test_agreements_in_force_on_a_day(client: FlaskClient) -> None:
    # TISA is from December 2014, GSOMIA from 2016, the Japan-India agreement from Dec 2015,
    # Japan-Italy from 2016, Japan-Germany from 2021.
    before = ["jp-aus-information-security", "jp-fra-information-protection", "jp-gbr-information-protection",
              "jp-nato-information-protection", "jp-us-gsomia", "kr-us-military-secrets"]  # fmt: skip
    assert ids(client, "in_force_on=2014-06-01") == before
    assert ids(client, "in_force_on=2015-06-01") == sorted([*before, "kr-us-jp-tisa"])
    assert ids(client, "in_force_on=2019-09-01") == [i for i in SHIPPED_IDS if i != "jp-deu-security-of-information"]


def test_agreements_by_phase_today(client: FlaskClient) -> None:
    assert ids(client, "phase=in_force") == SHIPPED_IDS
    assert ids(client, "phase=terminated") == []


def test_a_filtered_list_still_comes_in_full_pages(client: FlaskClient) -> None:
    first = client.get("/agreements?in_force_on=2014-06-01&limit=5")
    assert [a["id"] for a in first.get_json()["agreements"]] == SHIPPED_IDS[:1] + SHIPPED_IDS[2:4] + SHIPPED_IDS[6:8]
    second = client.get(first.headers["Link"].split(";")[0].strip("<>"))
    assert [a["id"] for a in second.get_json()["agreements"]] == ["kr-us-military-secrets"]
    assert "in_force_on=2014-06-01" in first.headers["Link"]


@pytest.mark.parametrize("query", ["phase=dormant", "in_force_on=2019-13-01", "in_force_on=0001-01-01"])
def test_bad_filters_are_400(client: FlaskClient, query: str) -> None:
    problem(client.get(f"/agreements?{query}"), 400, "invalid-query")


def test_deadlines_between_two_days(client: FlaskClient) -> None:
    body = client.get("/deadlines?from=2019-01-01&to=2020-12-31").get_json()

    assert body["deadlines"] == [
        {"on": "2019-08-24", "agreement_id": "kr-jp-gsomia", "kind": "notice_deadline", "term": 3},
        {"on": "2019-11-22", "agreement_id": "kr-jp-gsomia", "kind": "term_end", "term": 3},
        # Japan's reading of the renewal while the 2019 notice was suspended; the ROK's has none.
        {"on": "2020-08-24", "agreement_id": "kr-jp-gsomia", "kind": "notice_deadline", "term": 4, "held_by": ["JPN"]},
        {"on": "2020-11-22", "agreement_id": "kr-jp-gsomia", "kind": "term_end", "term": 4, "held_by": ["JPN"]},
    ]
    assert body["next_after"] is None


def test_deadlines_come_in_pages_that_join_up(client: FlaskClient) -> None:
    whole = client.get("/deadlines?from=2017-01-01&to=2026-12-31").get_json()["deadlines"]
    pages, url = [], "/deadlines?from=2017-01-01&to=2026-12-31&limit=3"
    while url:
        response = client.get(url)
        pages += response.get_json()["deadlines"]
        links = [link for link in response.headers.get("Link", "").split(", ") if link.endswith('rel="next"')]
        url = links[0].split(";")[0].strip("<>") if links else ""

    assert pages == whole and len(whole) == 20


def test_deadlines_default_to_the_coming_year(client: FlaskClient) -> None:
    body = client.get("/deadlines").get_json()

    assert body["from"] < body["to"]
    assert {entry["kind"] for entry in body["deadlines"]} == {"notice_deadline", "term_end"}


@pytest.mark.parametrize(
    "query", ["from=2020-01-01&to=2019-01-01", "from=2000-01-01&to=2020-01-01", "after=nonsense", "limit=0"]
)
def test_bad_deadline_queries_are_400(client: FlaskClient, query: str) -> None:
    problem(client.get(f"/deadlines?{query}"), 400, "invalid-query")


def test_the_calendar_holds_every_deadline_as_an_all_day_event(client: FlaskClient) -> None:
    response = client.get("/agreements/kr-jp-gsomia/calendar.ics")

    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    notice = events["kr-jp-gsomia-notice_deadline-2019-08-24@pact-chronology"]
    assert notice.decoded("DTSTART").isoformat() == "2019-08-24"
    assert "last day to give notice" in str(notice["SUMMARY"])
    assert "kr-jp-gsomia-term_end-2017-11-22@pact-chronology" in events  # from the first term on
    assert not any("termination_effective" in uid for uid in events)  # the 2019 notice was suspended


def test_the_calendar_of_an_unknown_agreement_is_404(client: FlaskClient) -> None:
    problem(client.get("/agreements/nope/calendar.ics"), 404, "agreement-not-found")


def test_every_list_links_to_its_next_page(client: FlaskClient) -> None:
    events = client.get("/agreements/kr-jp-gsomia/events?limit=2")
    feed = client.get("/events?limit=2")

    next_link, canonical = events.headers["Link"].split(", ")  # the permalink follows (issue 15)
    assert next_link == '</agreements/kr-jp-gsomia/events?after_version=2&limit=2>; rel="next"'
    assert canonical.endswith('; rel="canonical"')
    assert events.get_json()["next_after_version"] == 2
    assert feed.headers["Link"].startswith(f"</events?after={feed.get_json()['next_after']}&limit=2>")
    last = client.get("/agreements/kr-jp-gsomia/events?after_version=20&limit=1000")
    assert 'rel="next"' not in last.headers["Link"]


def test_the_events_list_varies_by_accept_in_both_representations(client: FlaskClient) -> None:
    as_json = client.get("/agreements/kr-jp-gsomia/events")
    as_lines = client.get("/agreements/kr-jp-gsomia/events", headers={"Accept": "application/x-ndjson"})

    assert "Accept" in as_json.headers["Vary"] and "Accept" in as_lines.headers["Vary"]


def test_deadlines_are_revalidated_by_etag_until_an_append(client: FlaskClient) -> None:
    url = "/deadlines?from=2019-01-01&to=2020-12-31"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    note = {"type": "context_noted", "occurred_on": "2020-08-01", "sources": [{"publisher": "Test"}]}
    appended = client.post("/agreements/kr-us-jp-tisa/events", json={"events": [note]})  # any agreement's
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert appended.status_code == 201
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]


def effects(client: FlaskClient, query: str) -> list[dict[str, object]]:
    body = client.get(f"/deadlines?{query}").get_json()
    return [deadline for deadline in body["deadlines"] if deadline["kind"] == "termination_effective"]


def test_a_late_notice_is_one_deadline_and_one_calendar_entry(client: FlaskClient, pact: str) -> None:
    late = event("termination_notified", "2017-10-01", notified_by="A")  # after term 1's notice deadline
    assert post(client, f"{pact}/events", {"events": [late]}).status_code == 201

    calendar = Calendar.from_ical(client.get(f"{pact}/calendar.ics").get_data())
    uids = [str(entry["UID"]) for entry in calendar.walk("VEVENT")]

    expected = [{"on": "2018-11-23", "agreement_id": "test-pact", "kind": "termination_effective", "term": 2}]
    assert effects(client, "from=2017-01-01&to=2019-12-31") == expected
    assert effects(client, "from=2018-11-23&to=2019-12-31") == expected  # its day is the range's first
    assert len(uids) == len(set(uids)) and "test-pact-termination_effective-2018-11-23@pact-chronology" in uids


def test_an_agreement_without_fixed_terms_has_its_notice_effect_listed(client: FlaskClient) -> None:
    open_ended = {**PACT, "id": "open-ended", "terms": {"notice_days": 90}}
    developments = [
        event("signed", "2016-11-23"),
        event("entered_into_force", "2016-11-23"),
        event("termination_notified", "2017-10-01", notified_by="A"),
    ]
    assert post(client, "/agreements", open_ended).status_code == 201
    assert post(client, "/agreements/open-ended/events", {"events": developments}).status_code == 201

    assert effects(client, "from=2017-01-01&to=2019-12-31") == [
        {"on": "2017-12-30", "agreement_id": "open-ended", "kind": "termination_effective", "term": None}
    ]
