"""Bulk import and export: all or nothing per line checked, idempotent, and a round trip."""

import json
from datetime import date
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from flask.testing import FlaskClient

from events.codec.versions import CURRENT
from service.cli import bulk
from service.storage.store import EventStore
from tests.command_line import cli

SOURCE = {"publisher": "Bulk test"}


def line(agreement: str, kind: str, day: str, **payload: object) -> str:
    event = {"id": str(uuid4()), "agreement_id": agreement, "type": kind, "occurred_on": day,
             "payload": payload, "sources": [SOURCE]}  # fmt: skip
    return json.dumps(event)


def registration(agreement: str) -> str:
    return line(agreement, "agreement_registered", "2016-01-01", title="Bulk", parties=["A", "B"],
                terms={"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90})  # fmt: skip


def run(store: EventStore, lines: list[str]) -> bulk.Imported:
    written: list[int] = []
    imported = bulk.write(store, bulk.prepare(store, lines), written.append)
    assert sum(written) == imported.appended
    return imported


def test_a_large_import_goes_in_batches_and_a_second_import_appends_nothing(store: EventStore) -> None:
    notes = [line("bulk-pact", "context_noted", "2017-01-01", summary=f"note {i}") for i in range(2 * bulk.BATCH + 5)]
    lines = [registration("bulk-pact"), line("bulk-pact", "signed", "2016-02-01"), *notes]

    first = run(store, lines)
    second = run(store, lines)

    assert (first.agreements, first.appended, first.already_stored) == (1, len(lines), 0)
    assert (second.agreements, second.appended, second.already_stored) == (0, 0, len(lines))
    assert [r.version for r in store.load("bulk-pact")] == list(range(1, len(lines) + 1))


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{", "not a JSON object"),
        ("[1]", "not a JSON object"),
        (line("bulk-pact", "nope", "2017-01-01"), "/type"),
        (line("bulk-pact", "context_noted", "0999-01-01"), "/occurred_on"),
        (line("bulk-pact", "context_noted", "2017-01-01", summary="a\u0000"), "/payload/summary"),
        (
            line("bulk-pact", "termination_notice_withdrawn", "2017-01-01", withdrawn_by="A"),
            "not allowed while the agreement is signed",
        ),
        (line("other-pact", "signed", "2017-01-01"), "its first event must register it"),
        # A development is recorded once it happened: the API and an import refuse the same.
        (line("bulk-pact", "context_noted", "8999-01-01"), "8999-01-01 is in the future"),
        (line("bulk-pact", "context_noted", f"{date.today().year + 1}-01-01", date_precision="year"), "in the future"),
    ],
)
def test_a_bad_line_stops_the_import_with_its_number_and_nothing_written(
    store: EventStore, bad: str, reason: str
) -> None:
    lines = [registration("bulk-pact"), line("bulk-pact", "signed", "2016-02-01"), bad, registration("late-pact")]

    with pytest.raises(bulk.ImportFailed) as failure:
        run(store, lines)

    assert failure.value.line == 3 and reason in failure.value.reason
    assert store.load("bulk-pact") == [] and store.load("late-pact") == []


def test_an_id_stored_with_other_content_is_refused(store: EventStore) -> None:
    first = registration("bulk-pact")
    run(store, [first])
    changed = json.loads(first)
    changed["payload"]["title"] = "Another title"

    with pytest.raises(bulk.ImportFailed, match="stored already with other content"):
        run(store, [json.dumps(changed)])


def test_export_then_import_into_an_empty_database_gives_the_same_chronology(
    seeded: EventStore, database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    exported = cli("export", database_url=database_url)
    (tmp_path / "events.ndjson").write_text(exported.stdout)
    imported = cli("import", str(tmp_path / "events.ndjson"), database_url=empty_database_url)
    again = cli("export", database_url=empty_database_url)

    assert exported.returncode == imported.returncode == again.returncode == 0, imported.stderr
    assert "70 events appended to 11 agreements; 0 were stored already" in imported.stderr

    def content(ndjson: str) -> list[dict[str, object]]:
        return [
            {k: v for k, v in json.loads(text).items() if k not in ("recorded_at", "position")}
            for text in ndjson.splitlines()
        ]

    assert content(again.stdout) == content(exported.stdout) and len(content(again.stdout)) == 70


def test_a_failed_import_through_the_command_names_the_line(empty_database_url: str, tmp_path: Path) -> None:
    (tmp_path / "bad.ndjson").write_text(registration("bulk-pact") + "\n\n" + "{\n")

    failed = cli("import", str(tmp_path / "bad.ndjson"), database_url=empty_database_url)

    assert failed.returncode == 1 and "bad.ndjson: line 3: not a JSON object" in failed.stderr
    with psycopg.connect(empty_database_url) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_the_events_api_answers_ndjson_with_a_link_to_the_next_page(client: FlaskClient, seeded: EventStore) -> None:
    ndjson = {"Accept": "application/x-ndjson"}
    first = client.get("/agreements/kr-jp-gsomia/events?limit=20", headers=ndjson)
    rest = client.get(first.headers["Link"].split(";")[0].strip("<>"), headers=ndjson)

    assert first.mimetype == "application/x-ndjson" and first.headers["Link"].endswith('; rel="next"')
    assert "Link" not in rest.headers
    lines = [json.loads(text) for text in (first.get_data(as_text=True) + rest.get_data(as_text=True)).splitlines()]
    assert [event["version"] for event in lines] == list(range(1, 33))
    assert lines[0] == client.get("/agreements/kr-jp-gsomia/events?limit=1").get_json()["events"][0]


BEFORE_SCHEMA_VERSIONS = Path(__file__).parent / "exports" / "before-schema-versions.ndjson"


def test_an_export_says_each_payloads_schema_version(seeded: EventStore) -> None:
    lines = [json.loads(text) for text in bulk.export_events(seeded, ["kr-jp-gsomia"])]

    assert {(event["type"], event["schema_version"]) for event in lines} >= {
        ("agreement_registered", 2),
        ("termination_notified", 1),
    }
    assert all(event["schema_version"] == CURRENT[event["type"]] for event in lines)


def test_an_export_made_before_schema_versions_imports_with_party_ids(store: EventStore) -> None:
    """The file is what `export` wrote before parties had ids: no schema_version, parties by name."""
    lines = BEFORE_SCHEMA_VERSIONS.read_text(encoding="utf-8").splitlines()
    assert all("schema_version" not in json.loads(text) for text in lines)

    imported = run(store, lines)

    assert (imported.agreements, imported.appended) == (2, 28)
    assert [party.id for party in store.load("kr-jp-gsomia")[0].event.parties] == ["KOR", "JPN"]  # type: ignore[attr-defined]
    assert [party.id for party in store.load("kr-us-jp-tisa")[0].event.parties] == ["KOR", "USA", "JPN"]  # type: ignore[attr-defined]


def test_an_export_made_before_schema_versions_is_the_chronology_shipped_today(seeded: EventStore) -> None:
    imported = run(seeded, BEFORE_SCHEMA_VERSIONS.read_text(encoding="utf-8").splitlines())

    assert (imported.appended, imported.already_stored) == (0, 28)


@pytest.mark.parametrize(
    ("schema_version", "reason"),
    [(9, "written by a newer release"), (0, "greater than or equal to 1"), ("2", "Not a valid integer")],
)
def test_a_schema_version_this_release_does_not_know_is_refused(
    store: EventStore, schema_version: object, reason: str
) -> None:
    event = json.loads(registration("bulk-pact"))
    event["schema_version"] = schema_version

    with pytest.raises(bulk.ImportFailed) as failure:
        run(store, [json.dumps(event)])

    assert failure.value.line == 1 and "/schema_version" in failure.value.reason
    assert reason in failure.value.reason
    assert store.load("bulk-pact") == []
