"""PACT_IMPORT: bootstrap imports an integration test's NDJSON fixtures after seeding,
idempotently and with the import's own checks."""

import json
from pathlib import Path

import pytest

from service.cli.fixtures import FixturesNotFound, fixture_files
from tests.command_line import cli
from tests.project import ROOT

SHIPPED = str(ROOT / "fixtures" / "*.ndjson")
FIXTURE = "jp-ukr-information-protection"


def test_unset_or_empty_names_no_file() -> None:
    assert fixture_files(None) == fixture_files("") == []


def test_a_pattern_names_its_files_in_name_order_and_may_match_none(tmp_path: Path) -> None:
    for name in ("b.ndjson", "a.ndjson", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "c.ndjson").mkdir()

    assert fixture_files(f"{tmp_path}/*.ndjson") == [tmp_path / "a.ndjson", tmp_path / "b.ndjson"]
    assert fixture_files(f"{tmp_path}/none-*.ndjson") == []


def test_a_path_that_is_not_there_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FixturesNotFound, match="no such file"):
        fixture_files(str(tmp_path / "typo.ndjson"))


def test_bootstrap_imports_the_fixtures_after_the_chronologies_and_again_appends_nothing(
    empty_database_url: str,
) -> None:
    first = cli("bootstrap", database_url=empty_database_url, PACT_IMPORT=SHIPPED)
    again = cli("bootstrap", database_url=empty_database_url, PACT_IMPORT=SHIPPED)
    status = cli("status", FIXTURE, "--on", "2025-01-01", "--json", database_url=empty_database_url)

    assert first.returncode == 0, first.stderr
    assert "loaded kr-jp-gsomia" in first.stderr
    assert f"{FIXTURE}.ndjson: 2 events appended to 1 agreements; 0 were stored already" in first.stderr
    assert f"{FIXTURE}.ndjson: 0 events appended to 0 agreements; 2 were stored already" in again.stderr
    assert json.loads(status.stdout)["phase"] == "signed"


def test_a_bad_fixture_stops_bootstrap_naming_its_file_and_line(empty_database_url: str, tmp_path: Path) -> None:
    good = (ROOT / "fixtures" / f"{FIXTURE}.ndjson").read_text().splitlines()
    bad = tmp_path / "bad.ndjson"
    unsourced = {**json.loads(good[1]), "sources": []}
    bad.write_text("\n".join([good[0], json.dumps(unsourced)]) + "\n")

    refused = cli("bootstrap", database_url=empty_database_url, PACT_IMPORT=str(bad))
    missing = cli("bootstrap", database_url=empty_database_url, PACT_IMPORT=str(tmp_path / "typo.ndjson"))
    events = cli("events", FIXTURE, "--json", database_url=empty_database_url)

    assert refused.returncode != 0
    assert f"{bad}: line 2: " in refused.stderr and "needs a source" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert missing.returncode != 0 and "no such file" in missing.stderr
    assert f"no agreement '{FIXTURE}'" in events.stderr
