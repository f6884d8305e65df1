"""Seeding is idempotent, by the API's own rules, and so are the migrate and seed commands."""

import psycopg

from service.chronology import chronologies
from service.cli.seeding import seed
from service.storage.database import head_revision
from service.storage.store import EventStore
from tests.command_line import cli


def test_seeding_twice_appends_nothing_the_second_time(store: EventStore) -> None:
    first = seed(store)
    second = seed(store)

    assert [(s.stream_id, s.appended) for s in first][:3] == [
        ("kr-jp-gsomia", 32),
        ("kr-us-jp-tisa", 2),
        ("kr-us-military-secrets", 4),
    ]
    assert sum(s.appended for s in first) == 70 and len(first) == 11
    assert [s.appended for s in second] == [0] * 11
    assert store.version("kr-jp-gsomia") == 32


def test_seeding_appends_only_what_a_grown_chronology_adds(store: EventStore) -> None:
    gsomia = chronologies()[0]
    store.append(gsomia.stream_id, gsomia.events[:10], expected_version=0)

    seeded = seed(store)

    assert seeded[0].appended == 22
    assert [r.event_id for r in store.load(gsomia.stream_id)] == [e.event_id for e in gsomia.events]


def test_the_migrate_and_seed_commands(empty_database_url: str) -> None:
    migrated = cli("migrate", database_url=empty_database_url)
    seeded = cli("seed", database_url=empty_database_url)
    again = cli("seed", database_url=empty_database_url)

    assert migrated.returncode == 0, migrated.stderr
    assert f"schema at revision {head_revision()}" in migrated.stdout
    assert "kr-jp-gsomia: 32 events appended" in seeded.stdout
    assert "kr-jp-gsomia: 0 events appended" in again.stdout
    with psycopg.connect(empty_database_url) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (70,)
