"""Seeding is idempotent; readiness tells a migrated database from one that is not."""

import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask

from service.app import create_app
from service.chronology import chronologies
from service.seeding import seed
from service.storage.database import head_revision
from service.storage.store import EventStore


def test_seeding_twice_appends_nothing_the_second_time(store: EventStore) -> None:
    first = seed(store)
    second = seed(store)

    assert [(s.stream_id, s.appended) for s in first] == [("kr-jp-gsomia", 26), ("kr-us-jp-tisa", 2)]
    assert [s.appended for s in second] == [0, 0]
    assert store.version("kr-jp-gsomia") == 26


def test_seeding_appends_only_what_a_grown_chronology_adds(store: EventStore) -> None:
    gsomia = chronologies()[0]
    store.append(gsomia.stream_id, gsomia.events[:10], expected_version=0)

    seeded = seed(store)

    assert seeded[0].appended == 16
    assert [r.event_id for r in store.load(gsomia.stream_id)] == [e.event_id for e in gsomia.events]


def cli(*args: str, database_url: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    """Run the `pact-chronology` command as compose and the README do."""
    env = {**os.environ, "DATABASE_URL": database_url, **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_migrate_and_seed_commands(empty_database_url: str) -> None:
    migrated = cli("migrate", database_url=empty_database_url)
    seeded = cli("seed", database_url=empty_database_url)
    again = cli("seed", database_url=empty_database_url)

    assert migrated.returncode == 0, migrated.stderr
    assert f"schema at revision {head_revision()}" in migrated.stdout
    assert "kr-jp-gsomia: 26 events appended" in seeded.stdout
    assert "kr-jp-gsomia: 0 events appended" in again.stdout
    with psycopg.connect(empty_database_url) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (28,)


@pytest.fixture
def unmigrated_app(empty_database_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": empty_database_url})
    yield app
    app.extensions["pact"].close()


def test_an_unmigrated_database_is_not_ready(unmigrated_app: Flask) -> None:
    response = unmigrated_app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "run migrations" in response.get_json(force=True)["detail"]


@pytest.fixture
def unreachable_app() -> Iterator[Flask]:
    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app({"DATABASE_URL": url, "POOL_TIMEOUT": 1, "POOL_MIN_SIZE": 0})
    yield app
    app.extensions["pact"].close()


def test_an_unreachable_database_is_a_503_problem_not_a_stack_trace(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()

    live = client.get("/healthz")
    ready = client.get("/readyz")
    status = client.get("/agreements/kr-jp-gsomia/status")

    assert live.status_code == 200
    for response in (ready, status):
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert response.get_json(force=True)["type"] == "/problems/database-unavailable"
        assert response.headers["Retry-After"] == "5"
