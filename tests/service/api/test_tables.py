"""Every list as a table: CSV by Accept or by ``format``, its columns as the OpenAPI document
states them, the same caching, permalink and paging rules as the JSON, and cells no
spreadsheet runs as a formula."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.service.client import PACT, SHIPPED_IDS, event, post, problem

pytestmark = pytest.mark.usefixtures("seeded")

GSOMIA = "/agreements/kr-jp-gsomia"
# A question for each list the service answers, by the path the OpenAPI document names it.
LISTS = {
    "/agreements": "/agreements",
    "/agreements/{agreement_id}/events": f"{GSOMIA}/events",
    "/agreements/{agreement_id}/timeline": f"{GSOMIA}/timeline?to=2024-01-01",
    "/agreements/{agreement_id}/history": f"{GSOMIA}/history?on=2019-12-01",
    "/agreements/{agreement_id}/parties": f"{GSOMIA}/parties?on=2019-12-01",
    "/deadlines": "/deadlines?from=2019-01-01&to=2021-01-01",
    "/relations": "/relations?between=KOR,JPN&on=2019-12-01",
    "/parties": "/parties",
    "/parties/{party_id}/agreements": "/parties/JPN/agreements?on=2019-12-01",
    "/events": "/events",
    "/datasets/dyads": "/datasets/dyads?granularity=year&to=2024-12-31",
    "/datasets/events": "/datasets/events",
    "/datasets/timelines": "/datasets/timelines?to=2024-12-31",
    "/datasets": "/datasets",
}


def rows(response: TestResponse) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    text = response.get_data().decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # no line end but CRLF (none inside a cell)
    return list(csv.reader(io.StringIO(text, newline="")))


def table(response: TestResponse) -> list[dict[str, str]]:
    header, *body = rows(response)
    assert all(len(row) == len(header) for row in body)
    return [dict(zip(header, row, strict=True)) for row in body]


def columns(document: dict[str, Any], path: str) -> list[str]:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    return [column["name"] for column in content["text/csv"]["x-columns"]]


def json_rows(body: dict[str, Any]) -> int:
    lists = [value for value in body.values() if isinstance(value, list) and value and isinstance(value[0], dict)]
    return sum(len(found) for found in lists)


def test_every_list_the_document_states_as_csv_is_asked_here(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    stated = {path for path, operations in document["paths"].items() if "text/csv" in str(operations.get("get", {}))}
    assert stated == set(LISTS)


@pytest.mark.parametrize("path", LISTS)
def test_each_list_answers_csv_with_the_documented_columns_by_accept_or_format(client: FlaskClient, path: str) -> None:
    document = client.get("/openapi.json").get_json()
    url = LISTS[path]
    by_accept = client.get(url, headers={"Accept": "text/csv"})
    by_format = client.get(f"{url}{'&' if '?' in url else '?'}format=csv")
    header, *body = rows(by_accept)
    assert header == columns(document, path)
    assert all(len(row) == len(header) for row in body)
    assert by_format.get_data() == by_accept.get_data()
    assert len(body) == json_rows(client.get(url).get_json()) > 0
    assert by_accept.headers["Vary"] == "Accept"


def test_rows_flatten_nested_fields_with_dotted_names_and_join_lists(client: FlaskClient) -> None:
    found = table(client.get("/relations?between=KOR,JPN&on=2019-12-01", headers={"Accept": "text/csv"}))
    gsomia = next(row for row in found if row["id"] == "kr-jp-gsomia")
    as_json = client.get("/relations?between=KOR,JPN&on=2019-12-01").get_json()
    expected = next(a for a in as_json["agreements"] if a["id"] == "kr-jp-gsomia")
    assert gsomia["party_ids"] == "KOR;JPN"
    assert gsomia["status.phase"] == expected["status"]["phase"] == "in_force"
    assert gsomia["status.termination.state"] == expected["status"]["termination"]["state"] == "suspended"
    assert gsomia["status.based_on.id"] == ";".join(event["id"] for event in expected["status"]["based_on"])
    assert gsomia["terms.notice_days"] == "90" and gsomia["legally_binding"] == "true"
    assert gsomia["status.since_precision"] == ""  # left out of the JSON (known to the day): present, empty


def test_an_events_payload_is_one_cell_of_json_and_its_sources_urls_are_joined(client: FlaskClient) -> None:
    found = table(client.get(f"{GSOMIA}/events?format=csv&limit=3"))
    as_json = client.get(f"{GSOMIA}/events?limit=3").get_json()["events"]
    assert [row["id"] for row in found] == [e["id"] for e in as_json]
    first = as_json[0]
    assert found[0]["sources.url"] == ";".join(source["url"] for source in first["sources"])
    assert found[0]["payload"].startswith("{") and '"title"' in found[0]["payload"]


def test_intervals_end_before_the_day_after_their_last_so_they_touch(client: FlaskClient) -> None:
    intervals = client.get(f"{GSOMIA}/timeline?to=2024-01-01").get_json()["intervals"]
    for interval in intervals:
        assert date.fromisoformat(interval["ends_before"]) == date.fromisoformat(interval["ends_on"]) + timedelta(1)
    assert all(a["ends_before"] == b["starts_on"] for a, b in zip(intervals, intervals[1:], strict=False))
    as_csv = table(client.get(f"{GSOMIA}/timeline?to=2024-01-01&format=csv"))
    assert [(row["starts_on"], row["ends_before"]) for row in as_csv] == [
        (i["starts_on"], i["ends_before"]) for i in intervals
    ]


def test_an_interval_ending_on_the_last_day_asked_of_ends_before_the_day_after(client: FlaskClient) -> None:
    last = client.get(f"{GSOMIA}/timeline?from=8800-01-01&to=8999-12-31").get_json()["intervals"][-1]
    assert last["ends_on"] == "8999-12-31" and last["ends_before"] == "9000-01-01"
    row = table(client.get(f"{GSOMIA}/timeline?from=8800-01-01&to=8999-12-31&format=csv"))[-1]
    assert row["ends_on"] == "8999-12-31" and row["ends_before"] == "9000-01-01"


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(client: FlaskClient, title: str) -> None:
    assert post(client, "/agreements", {**PACT, "title": title, "parties": [title, "B"]}).status_code == 201
    row = next(row for row in table(client.get("/agreements?format=csv")) if row["id"] == "test-pact")
    assert row["title"] == f"'{title}"
    assert row["parties"] == f"'{title};B"
    assert client.get("/agreements/test-pact").get_json()["title"] == title  # the JSON is as registered


def test_numbers_stay_numbers(client: FlaskClient) -> None:
    row = next(row for row in table(client.get("/parties?format=csv")) if row["id"] == "KOR")
    assert row["agreements"].isdigit()


def test_csv_and_json_of_one_question_have_their_own_etag_and_each_revalidates(client: FlaskClient) -> None:
    url = f"{GSOMIA}/timeline?to=2024-01-01"
    as_json, as_csv = client.get(url), client.get(url, headers={"Accept": "text/csv"})
    assert as_json.headers["ETag"] != as_csv.headers["ETag"]
    held = client.get(url, headers={"Accept": "text/csv", "If-None-Match": as_csv.headers["ETag"]})
    assert held.status_code == 304
    other = client.get(url, headers={"If-None-Match": as_csv.headers["ETag"]})
    assert other.status_code == 200 and other.mimetype == "application/json"


def test_a_csv_answer_about_now_names_a_csv_permalink(client: FlaskClient) -> None:
    answer = client.get(f"{GSOMIA}/timeline?to=2024-01-01", headers={"Accept": "text/csv"})
    permalink = answer.headers["Content-Location"]
    assert "format=csv" in permalink and "known_at=" in permalink
    assert client.get(permalink).get_data() == answer.get_data()


def test_csv_pages_carry_on_as_csv_and_join_into_the_whole(client: FlaskClient) -> None:
    whole = rows(client.get("/agreements?format=csv"))
    url, joined = "/agreements?limit=4&format=csv", []
    while url:
        response = client.get(url)
        header, *body = rows(response)
        joined += body
        link = response.headers.get("Link", "")
        url = link.split(";")[0].strip("<>") if 'rel="next"' in link else ""
        assert not url or "format=csv" in url
    assert [header, *joined] == whole and len(joined) == len(SHIPPED_IDS)


def test_pages_asked_by_accept_link_to_csv_pages(client: FlaskClient) -> None:
    events = client.get(f"{GSOMIA}/events?limit=2", headers={"Accept": "text/csv"})
    assert "format=csv" in events.headers["Link"]
    feed = client.get("/events?limit=2", headers={"Accept": "text/csv"})
    assert "format=csv" in feed.headers["Link"]


@pytest.mark.parametrize(
    ("url", "accept", "available"),
    [
        ("/agreements", "application/xml", ["application/json", "text/csv"]),
        (f"{GSOMIA}/events", "text/html", ["application/json", "application/x-ndjson", "text/csv"]),
        (f"{GSOMIA}/status", "text/csv", ["application/json"]),
        ("/healthz", "application/json;q=0", ["application/json"]),
    ],
)
def test_a_type_the_route_cannot_give_is_406_listing_what_it_can(
    client: FlaskClient, url: str, accept: str, available: list[str]
) -> None:
    body = problem(client.get(url, headers={"Accept": accept}), 406, "not-acceptable")
    assert body["available"] == available


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8", "application/*"])
def test_any_type_or_none_is_json(client: FlaskClient, accept: str | None) -> None:
    response = client.get("/agreements", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == "application/json"


def test_format_wins_over_accept(client: FlaskClient) -> None:
    assert client.get("/parties?format=json", headers={"Accept": "text/csv"}).mimetype == "application/json"
    assert client.get("/parties?format=csv", headers={"Accept": "application/json"}).mimetype == "text/csv"


@pytest.mark.parametrize("url", ["/parties?format=xlsx", "/parties?format=", f"{GSOMIA}/status?format=csv"])
def test_a_format_the_route_does_not_take_is_400(client: FlaskClient, url: str) -> None:
    problem(client.get(url), 400, "invalid-query")


def test_a_write_is_not_refused_for_its_accept(client: FlaskClient) -> None:
    response = post(client, "/agreements", PACT, Accept="text/csv")
    assert response.status_code == 201 and response.mimetype == "application/json"


def test_a_problem_on_a_csv_question_is_still_a_problem(client: FlaskClient) -> None:
    problem(client.get(f"{GSOMIA}/timeline?from=2020-01-01&to=2019-01-01&format=csv"), 400, "invalid-query")
    problem(client.get("/agreements/no-such/timeline", headers={"Accept": "text/csv"}), 404, "agreement-not-found")


def test_an_empty_list_is_a_header_row_alone(client: FlaskClient) -> None:
    found = rows(client.get("/deadlines?from=1900-01-01&to=1900-12-31&format=csv"))
    assert len(found) == 1 and found[0][0] == "on"


def test_new_events_reach_the_csv_as_the_json(client: FlaskClient) -> None:
    assert post(client, "/agreements", PACT).status_code == 201
    signed = {"events": [event("signed", "2016-11-23")]}
    assert post(client, "/agreements/test-pact/events", signed).status_code == 201
    found = table(client.get("/agreements/test-pact/events?format=csv"))
    assert [row["type"] for row in found] == ["agreement_registered", "signed"]


@pytest.mark.parametrize(
    ("url", "accept", "answered"),
    [
        ("/metrics", "text/plain;version=0.0.4", "text/plain"),  # a Prometheus scrape
        ("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "text/"),
        ("/agreements/kr-jp-gsomia/calendar.ics", "text/calendar", "text/calendar"),
        ("/agreements", "text/csv; charset=utf-8", "text/csv"),
        ("/", "text/html", "text/html"),
    ],
)
def test_a_media_type_with_parameters_asks_for_the_type(
    client: FlaskClient, url: str, accept: str, answered: str
) -> None:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype.startswith(answered)


def test_a_live_stream_is_asked_for_as_an_event_source_asks(client: FlaskClient) -> None:
    with client.get("/events/stream", headers={"Accept": "text/event-stream"}) as response:
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
