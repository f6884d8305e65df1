"""Bulk import and export: all or nothing per line checked, idempotent, and a round trip."""

import json
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from flask.testing import FlaskClient

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
    assert "28 events appended to 2 agreements; 0 were stored already" in imported.stderr

    def content(ndjson: str) -> list[dict[str, object]]:
        return [
            {k: v for k, v in json.loads(text).items() if k not in ("recorded_at", "position")}
            for text in ndjson.splitlines()
        ]

    assert content(again.stdout) == content(exported.stdout) and len(content(again.stdout)) == 28


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
    assert [event["version"] for event in lines] == list(range(1, 27))
    assert lines[0] == client.get("/agreements/kr-jp-gsomia/events?limit=1").get_json()["events"][0]
