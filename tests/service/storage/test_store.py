"""The event store against a real PostgreSQL: atomic, optimistic, idempotent."""

import threading
from datetime import date
from uuid import uuid4

import psycopg
import pytest
from psycopg.types.json import Jsonb

from events import NewEvent, Source, Terms
from events.record.parties import Party
from events.record.types import AgreementRegistered, ContextNoted
from service.storage.results import EventIdConflict, VersionConflict
from service.storage.rows import UnreadableEvent
from service.storage.store import EventStore

SOURCE = (Source(publisher="Test Gazette", title="Something happened"),)


def note(day: date = date(2020, 1, 1), summary: str = "a statement") -> NewEvent:
    return NewEvent(event=ContextNoted(occurred_on=day, summary=summary), event_id=uuid4(), sources=SOURCE)


def test_appended_events_come_back_in_order_with_versions_and_sources(store: EventStore) -> None:
    events = [note(summary="one"), note(summary="two")]

    result = store.append("s", events, expected_version=0)
    loaded = store.load("s")

    assert (result.first_version, result.version) == (1, 2)
    assert [r.event.summary for r in loaded] == ["one", "two"]  # type: ignore[attr-defined]
    assert [r.version for r in loaded] == [1, 2]
    assert loaded[0].sources == SOURCE
    assert loaded[0].position is not None and loaded[1].position > loaded[0].position  # type: ignore[operator]


def test_a_stale_expected_version_appends_nothing_and_reports_the_current_version(store: EventStore) -> None:
    store.append("s", [note(), note()], expected_version=0)

    with pytest.raises(VersionConflict) as conflict:
        store.append("s", [note()], expected_version=1)

    assert (conflict.value.expected, conflict.value.actual) == (1, 2)
    assert store.version("s") == 2


def test_a_batch_is_all_or_nothing(store: EventStore) -> None:
    shared = note()
    store.append("other", [shared], expected_version=0)

    with pytest.raises(EventIdConflict):
        store.append("s", [note(), shared], expected_version=0)

    assert store.load("s") == []


def test_a_failure_inside_the_batch_leaves_no_partial_write(store: EventStore) -> None:
    first = note()
    duplicate_in_batch = NewEvent(event=first.event, event_id=first.event_id, sources=SOURCE)

    with pytest.raises(psycopg.errors.UniqueViolation):
        store.append("s", [first, note(), duplicate_in_batch], expected_version=0)

    assert store.version("s") == 0


def test_resending_the_same_events_returns_the_original_result(store: EventStore) -> None:
    events = [note(summary="one"), note(summary="two")]
    first = store.append("s", events, expected_version=0)

    again = store.append("s", events, expected_version=0)

    assert again.retried is True
    assert (again.first_version, again.version, again.recorded_at) == (1, 2, first.recorded_at)
    assert store.version("s") == 2


def test_the_same_id_with_a_different_body_is_a_conflict(store: EventStore) -> None:
    original = note(summary="one")
    store.append("s", [original], expected_version=0)
    changed = NewEvent(event=ContextNoted(occurred_on=date(2020, 1, 1), summary="two"), event_id=original.event_id)

    with pytest.raises(EventIdConflict, match="different event"):
        store.append("s", [changed], expected_version=1)


def test_part_of_a_batch_already_stored_is_a_conflict(store: EventStore) -> None:
    stored = note()
    store.append("s", [stored], expected_version=0)

    with pytest.raises(EventIdConflict, match="part of this batch"):
        store.append("s", [stored, note()], expected_version=1)


def test_the_server_stamps_recorded_at_and_transaction_id(store: EventStore, connection: psycopg.Connection) -> None:
    store.append("s", [note(), note()], expected_version=0)
    connection.execute(
        "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, recorded_at, payload,"
        " transaction_id) VALUES (%s, 'forged', 1, 'context_noted', '2020-01-01', '1999-01-01', '{}', '1')",
        (uuid4(),),
    )

    rows = connection.execute(
        "SELECT stream_id, recorded_at, transaction_id::text, pg_typeof(transaction_id)::text FROM events"
        " ORDER BY position"
    ).fetchall()

    assert rows[0][1] == rows[1][1] and rows[0][2] == rows[1][2], "one append shares one transaction"
    assert rows[2][1].year > 1999 and rows[2][2] != "1", "client-supplied stamps are overwritten"
    assert {row[3] for row in rows} == {"xid8"}


def test_concurrent_writers_of_one_stream_one_wins_the_other_conflicts(store: EventStore) -> None:
    store.append("s", [note()], expected_version=0)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def write() -> None:
        barrier.wait()
        try:
            store.append("s", [note()], expected_version=1)
            outcomes.append("appended")
        except VersionConflict as conflict:
            outcomes.append(f"conflict at {conflict.actual}")

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["appended", "conflict at 2", "conflict at 2", "conflict at 2"]
    assert [r.version for r in store.load("s")] == [1, 2]


def test_writers_of_different_streams_do_not_conflict(store: EventStore) -> None:
    threads = [threading.Thread(target=store.append, args=(f"s{i}", [note()], 0)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(store.stream_ids()) == ["s0", "s1", "s2", "s3"]


def test_reading_a_page_after_a_version(store: EventStore) -> None:
    store.append("s", [note(summary=str(i)) for i in range(5)], expected_version=0)

    page = store.read("s", after_version=2, limit=2)

    assert [r.version for r in page] == [3, 4]


def test_a_registration_stored_in_version_1_is_read_with_party_ids(
    store: EventStore, connection: psycopg.Connection
) -> None:
    connection.execute(
        "INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources)"
        " VALUES (%s, 'old', 1, 'agreement_registered', 1, '2016-11-23', %s, '[]')",
        (uuid4(), Jsonb({"title": "GSOMIA", "parties": ["Republic of Korea", "Japan"]})),
    )
    connection.commit()

    (loaded,) = store.load("old")

    assert loaded.event.parties == (Party("KOR", "Republic of Korea"), Party("JPN", "Japan"))  # type: ignore[attr-defined]


def test_a_stored_event_this_release_cannot_read_fails_loudly_with_its_id(
    store: EventStore, connection: psycopg.Connection
) -> None:
    event_id = uuid4()
    connection.execute(
        "INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources)"
        " VALUES (%s, 'future', 1, 'agreement_registered', 9, '2016-11-23', '{}', '[]')",
        (event_id,),
    )
    connection.commit()

    with pytest.raises(UnreadableEvent, match=str(event_id)) as unreadable:
        store.load("future")

    assert "newer release" in unreadable.value.reason


def test_the_agreements_tally_counts_committed_registrations_only_and_nothing_else(
    seeded: EventStore, connection: psycopg.Connection
) -> None:
    def tally() -> tuple[int, int]:
        row = connection.execute(
            "SELECT (SELECT agreements FROM agreements_tally),"
            " (SELECT count(*) FROM events WHERE version = 1 AND event_type = 'agreement_registered')"
        ).fetchone()
        connection.commit()
        assert row is not None
        return row[0], row[1]

    before = tally()
    with pytest.raises(psycopg.errors.RestrictViolation):
        with connection.transaction():
            connection.execute(
                "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, payload)"
                " VALUES (gen_random_uuid(), 'kept-out', 1, 'agreement_registered', '2020-01-01', '{}')"
            )
            connection.execute("UPDATE events SET payload = '{}' WHERE stream_id = 'kept-out'")  # refused: rolls back
    connection.rollback()
    seeded.append("kr-jp-gsomia", [NewEvent(event=ContextNoted(occurred_on=date(2024, 1, 1)), event_id=uuid4())], 32)
    after_a_note = tally()
    registration = AgreementRegistered(
        occurred_on=date(2020, 1, 1), title="Copied", parties=(Party("a", "A"), Party("b", "B")), terms=Terms()
    )
    seeded.copy_append("copied", [NewEvent(event=registration, event_id=uuid4())], 0)
    seeded.append("notes-only", [NewEvent(event=ContextNoted(occurred_on=date(2024, 1, 1)), event_id=uuid4())], 0)

    assert before == after_a_note == (11, 11) and tally() == (12, 12)
    assert sorted(seeded.registrations.every())[0] == "copied"
