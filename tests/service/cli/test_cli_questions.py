"""The CLI answers what the API answers: the same JSON with --json, a table otherwise."""

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from service.cli.main import main

Ask = Callable[..., Result]


@pytest.fixture
def ask(database_url: str) -> Ask:
    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env={"DATABASE_URL": database_url}, catch_exceptions=False)

    return run


def test_status_as_a_table(ask: Ask) -> None:
    result = ask("status", "kr-jp-gsomia", "--on", "2019-09-01")

    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines() if not line.startswith(("known", "based")))
    assert lines["phase"].strip() == "in force since 2016-11-23"
    assert lines["termination"].strip().startswith("pending: notified 2019-08-23 by Republic of Korea")
    assert "effective 2019-11-23" in lines["termination"]
    assert lines["term"].strip() == "3: 2018-11-23 to 2019-11-22, notice by 2019-08-24"


def test_json_is_what_the_api_sends(ask: Ask, client: FlaskClient) -> None:
    result = ask("status", "kr-jp-gsomia", "--on", "2019-09-01", "--json")

    assert json.loads(result.stdout) == client.get("/agreements/kr-jp-gsomia/status?on=2019-09-01").get_json()


def test_known_at_before_anything_was_recorded(ask: Ask) -> None:
    result = ask("status", "kr-jp-gsomia", "--on", "2019-09-01", "--known-at", "2000-01-01T00:00:00Z", "--json")

    assert json.loads(result.stdout)["phase"] == "unknown"


def test_timeline_marks_derived_renewals(ask: Ask) -> None:
    result = ask("timeline", "kr-jp-gsomia", "--from", "2019-01-01", "--to", "2020-12-31")

    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert rows[0][:2] == ["2019-01-01", "2019-08-22"]
    assert ["2019-08-23", "2019-11-21", "in", "force", "pending", "3"] == rows[1]
    assert rows[3] == ["2019-11-23", "2020-11-22", "in", "force", "suspended", "4", "derived"]


def test_events_list_every_development_with_its_sources(ask: Ask) -> None:
    result = ask("events", "kr-jp-gsomia")

    rows = result.stdout.splitlines()[2:]
    assert len(rows) == 32
    assert rows[0].split()[:3] == ["1", "2016-11-23", "agreement_registered"]


def test_a_problem_is_a_clear_error(ask: Ask) -> None:
    missing = ask("status", "no-such-pact")
    bad_day = ask("status", "kr-jp-gsomia", "--on", "2019-02-30")

    assert missing.exit_code == 1 and "No such agreement" in missing.output
    assert bad_day.exit_code == 1 and "Invalid query parameters" in bad_day.output
