"""`pact-chronology export --table …`: the research tables from the command line, as the
API answers them, whole, in CSV or NDJSON, as known at an instant."""

import json
from pathlib import Path

from flask.testing import FlaskClient

from service.storage.store import EventStore
from tests.command_line import cli


def test_each_table_as_csv_is_the_download_the_api_answers(
    client: FlaskClient, seeded: EventStore, database_url: str, tmp_path: Path
) -> None:
    for table, path in (
        ("dyads", "/datasets/dyads"),
        ("timelines", "/datasets/timelines"),
        ("events", "/datasets/events"),
    ):
        written = tmp_path / f"{table}.csv"
        exported = cli("export", "--table", table, "--format", "csv", str(written), database_url=database_url)
        downloaded = client.get(f"{path}?limit=100000&format=csv").get_data()

        assert exported.returncode == 0, exported.stderr
        assert written.read_bytes() == downloaded and downloaded.count(b"\r\n") > 10


def test_dyad_years_as_ndjson_are_the_json_rows_one_a_line(
    client: FlaskClient, seeded: EventStore, database_url: str
) -> None:
    exported = cli("export", "--table", "dyad-years", "--agreement", "kr-jp-gsomia", database_url=database_url)
    rows = client.get("/datasets/dyads?granularity=year&agreement=kr-jp-gsomia&limit=1000").get_json()["dyads"]

    assert exported.returncode == 0, exported.stderr
    assert [json.loads(line) for line in exported.stdout.splitlines()] == rows and len(rows) > 5


def test_as_known_at_an_instant_before_anything_the_tables_are_empty(seeded: EventStore, database_url: str) -> None:
    before = "2000-01-01T00:00:00Z"
    as_csv = cli("export", "--table", "events", "--format", "csv", "--known-at", before, database_url=database_url)
    as_lines = cli("export", "--known-at", before, database_url=database_url)

    assert as_csv.returncode == as_lines.returncode == 0, as_csv.stderr + as_lines.stderr
    assert as_csv.stdout.startswith("id,agreement_id,version,") and as_csv.stdout.count("\n") == 1
    assert as_lines.stdout == ""


def test_an_instant_that_is_none_is_refused_naming_the_option(database_url: str) -> None:
    for table in ("events", "dyads"):
        refused = cli("export", "--table", table, "--known-at", "yesterday", database_url=database_url)
        assert refused.returncode != 0 and "known" in refused.stderr.lower(), refused.stderr
