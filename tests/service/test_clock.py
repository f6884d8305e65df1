"""PACT_TODAY: one fixed day as every "today" default, so integration tests' expected
answers do not change with the calendar; spellings that look like a mistake are refused."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.cli.seeding import seed
from service.clock import Clock, ClockSettingError
from service.http.handles import Handles
from service.storage import tokens
from tests.command_line import cli
from tests.service.client import PACT, SHIPPED_IDS, SOURCE, event, post

FIXED = "2019-09-01"


@pytest.fixture
def fixed_app(service_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": service_url, "TESTING": True, "TODAY": FIXED})
    seed(app.extensions["pact"].store)
    yield app
    resources: Handles = app.extensions["pact"]
    resources.close()


@pytest.fixture
def fixed(fixed_app: Flask, connection: object) -> FlaskClient:
    client = fixed_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(connection, 'clock-writer')}"  # type: ignore[arg-type]
    return client


def test_a_day_written_yyyy_mm_dd_fixes_today_in_every_zone() -> None:
    clock = Clock.from_setting("2024-02-29")

    assert clock.today("Asia/Seoul") == clock.today("Pacific/Pago_Pago") == date(2024, 2, 29)


@pytest.mark.parametrize("unset", [None, ""])
def test_unset_or_empty_is_the_real_day_where_the_agreement_lives(unset: object) -> None:
    seoul = Clock.from_setting(unset).today("Asia/Seoul")

    assert seoul in {(datetime.now(UTC) + timedelta(hours=9, seconds=delta)).date() for delta in (-5, 0)}


@pytest.mark.parametrize(
    "mistake",
    ["2024-1-5", 20240105, "20240105", "2024-02-30", "0999-12-31", "9000-01-01", " 2024-01-05", "today",
     "2024-01-05T00:00:00Z", "05/01/2024", 2024, True],
)  # fmt: skip
def test_a_setting_that_looks_like_a_mistake_is_refused_with_what_to_write(mistake: object) -> None:
    with pytest.raises(ClockSettingError, match=r"PACT_TODAY=.*e\.g\. PACT_TODAY=2024-06-01"):
        Clock.from_setting(mistake)


def test_the_service_refuses_to_start_on_a_mistaken_day(service_url: str) -> None:
    with pytest.raises(ClockSettingError):
        create_app({"DATABASE_URL": service_url, "TESTING": True, "TODAY": "2019-9-1"})


def test_every_command_refuses_a_mistaken_day_before_doing_anything(empty_database_url: str) -> None:
    refused = cli("serve", database_url=empty_database_url, PACT_TODAY="2019-9-1")

    assert refused.returncode != 0
    assert "PACT_TODAY='2019-9-1': not a day written YYYY-MM-DD" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_healthz_shows_the_fixed_day(fixed: FlaskClient) -> None:
    assert fixed.get("/healthz").get_json() == {"status": "ok", "fixed_today": FIXED}


def test_status_and_agreement_answers_default_to_the_fixed_day(fixed: FlaskClient) -> None:
    status = fixed.get("/agreements/kr-jp-gsomia/status").get_json()
    agreement = fixed.get("/agreements/kr-jp-gsomia").get_json()
    history = fixed.get("/agreements/kr-jp-gsomia/history").get_json()

    assert status["on"] == agreement["status"]["on"] == history["on"] == FIXED
    assert status["termination"]["state"] == "pending"
    assert agreement["status"]["termination"]["effective_on"] == "2019-11-23"


def test_the_timeline_ends_on_the_fixed_day(fixed: FlaskClient) -> None:
    timeline = fixed.get("/agreements/kr-jp-gsomia/timeline").get_json()

    assert timeline["to"] == FIXED
    assert timeline["intervals"][-1]["ends_on"] == FIXED


def test_agreement_filters_ask_about_the_fixed_day(fixed: FlaskClient) -> None:
    in_force = fixed.get("/agreements?phase=in_force").get_json()

    assert [agreement["id"] for agreement in in_force["agreements"]] == [
        agreement_id for agreement_id in SHIPPED_IDS if agreement_id != "jp-deu-security-of-information"
    ]
    assert {agreement["status"]["on"] for agreement in in_force["agreements"]} == {FIXED}


def test_deadlines_and_the_calendar_look_ahead_from_the_fixed_day(fixed: FlaskClient) -> None:
    coming = fixed.get("/deadlines").get_json()
    calendar = fixed.get("/agreements/kr-jp-gsomia/calendar.ics").get_data(as_text=True)
    starts = [line.split(":")[1] for line in calendar.splitlines() if line.startswith("DTSTART")]

    assert coming["from"] == FIXED and coming["to"] == "2020-09-01"
    assert [(deadline["on"], deadline["kind"]) for deadline in coming["deadlines"]] == [
        ("2019-11-22", "term_end"),
        ("2020-08-24", "notice_deadline"),
    ]
    assert max(starts) <= "20240901"


def test_a_default_occurred_on_is_the_fixed_day_but_recorded_at_is_real(fixed: FlaskClient) -> None:
    registered = post(fixed, "/agreements", {**PACT, "occurred_on": None})
    opened = post(fixed, "/agreements/test-pact/events", {"events": [event("negotiations_opened", "2019-08-01")]})
    retraction = {"type": "event_retracted", "payload": {"retracts": opened.get_json()["event_ids"][0], "reason": "?"}}
    retracted = post(fixed, "/agreements/test-pact/events", {"events": [{**retraction, "sources": [SOURCE]}]})
    events = fixed.get("/agreements/test-pact/events").get_json()["events"]

    assert (registered.status_code, retracted.status_code) == (201, 201), retracted.get_json()
    assert [recorded["occurred_on"] for recorded in events] == [FIXED, "2019-08-01", FIXED]
    assert all(datetime.fromisoformat(recorded["recorded_at"]).year >= 2026 for recorded in events)
