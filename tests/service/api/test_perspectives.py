"""Each government's reading through the API: GSOMIA's renewal between 22 November 2019
and 21 March 2023, contested, and answered as Japan or as the ROK reads it."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar

from tests.service.client import problem

pytestmark = pytest.mark.usefixtures("seeded")

GSOMIA = "/agreements/kr-jp-gsomia"


def get(client: FlaskClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def test_from_no_perspective_the_status_says_the_renewal_is_contested_and_lists_both_readings(
    client: FlaskClient,
) -> None:
    status = get(client, f"{GSOMIA}/status?on=2020-09-01")

    assert "perspective" not in status
    contested = status["contested"]
    assert contested["fact"] == "renewal"
    readings = {reading["held_by"]["id"]: reading for reading in contested["readings"]}
    assert (readings["JPN"]["reading"], readings["KOR"]["reading"]) == ("renews", "does_not_apply")
    assert readings["JPN"]["term"]["number"] == 4 and readings["KOR"]["term"] is None
    assert readings["KOR"]["sources"][0]["publisher"] == "Hankyoreh"
    assert readings["JPN"]["sources"][0]["url"].startswith("https://www.japantimes.co.jp/")
    assert {readings["JPN"]["event_id"], readings["KOR"]["event_id"]} <= {e["id"] for e in status["based_on"]}
    assert status["term"]["number"] == 4 and status["term"]["renewal_disputed"] is True


def test_each_perspective_answers_as_that_government_reads_it(client: FlaskClient) -> None:
    japan = get(client, f"{GSOMIA}/status?on=2020-09-01&perspective=JPN")
    korea = get(client, f"{GSOMIA}/status?on=2020-09-01&perspective=KOR")

    assert (japan["perspective"], korea["perspective"]) == ("JPN", "KOR")
    assert japan["term"]["number"] == 4 and korea["term"] is None
    assert japan["contested"] == korea["contested"]
    assert (
        client.get(f"{GSOMIA}/status?on=2020-09-01&perspective=KOR").headers["ETag"]
        != client.get(f"{GSOMIA}/status?on=2020-09-01&perspective=JPN").headers["ETag"]
    )


def test_outside_the_suspension_a_perspective_changes_nothing_but_saying_it(client: FlaskClient) -> None:
    plain = get(client, f"{GSOMIA}/status?on=2019-09-01")
    korea = get(client, f"{GSOMIA}/status?on=2019-09-01&perspective=KOR")

    assert "contested" not in plain
    assert {k: v for k, v in korea.items() if k != "perspective"} == plain


def test_the_timeline_marks_the_contested_interval(client: FlaskClient) -> None:
    plain = get(client, f"{GSOMIA}/timeline?from=2019-01-01&to=2023-12-31")["intervals"]
    korea = get(client, f"{GSOMIA}/timeline?from=2019-01-01&to=2023-12-31&perspective=KOR")["intervals"]

    contested = [i for i in plain if i.get("contested")]
    assert (contested[0]["starts_on"], contested[-1]["ends_on"]) == ("2019-11-22", "2023-03-20")
    assert [i["term"] for i in contested] == [3, 4, 5, 6, 7]
    assert all("contested" not in i for i in plain if i not in contested)
    assert [(i["starts_on"], i["ends_on"], i["term"]) for i in korea if i.get("contested")] == [
        ("2019-11-22", "2023-03-20", None)
    ]


def test_deadlines_only_japans_reading_has_say_so_and_the_roks_perspective_has_none(client: FlaskClient) -> None:
    plain = get(client, "/deadlines?from=2020-01-01&to=2022-12-31")["deadlines"]
    korea = get(client, "/deadlines?from=2020-01-01&to=2022-12-31&perspective=KOR")["deadlines"]

    gsomia = [d for d in plain if d["agreement_id"] == "kr-jp-gsomia"]
    assert [(d["on"], d["held_by"]) for d in gsomia][:2] == [("2020-08-24", ["JPN"]), ("2020-11-22", ["JPN"])]
    assert [d for d in korea if d["agreement_id"] == "kr-jp-gsomia"] == []


def test_the_calendar_says_whose_reading_a_deadline_is(client: FlaskClient) -> None:
    plain = Calendar.from_ical(client.get(f"{GSOMIA}/calendar.ics").data)
    korea = Calendar.from_ical(client.get(f"{GSOMIA}/calendar.ics?perspective=KOR").data)

    summaries = {str(e["DTSTART"].dt): str(e["SUMMARY"]) for e in plain.walk("VEVENT")}
    assert summaries["2020-08-24"].endswith("(as Japan reads a contested renewal)")
    assert "2020-08-24" not in {str(e["DTSTART"].dt) for e in korea.walk("VEVENT")}
    assert "contested" not in summaries["2019-08-24"]


@pytest.mark.parametrize(
    "path",
    [
        f"{GSOMIA}/status?perspective=USA",
        f"{GSOMIA}/status?perspective=Japan",
        f"{GSOMIA}/timeline?perspective=nato",
        f"{GSOMIA}/calendar.ics?perspective=USA",
        "/deadlines?perspective=J%00P",
    ],
)
def test_a_perspective_that_is_no_party_is_a_400(client: FlaskClient, path: str) -> None:
    problem(client.get(path), 400, "invalid-query")
