"""Knowledge of every stream's version in memory (service/storage/knowledge/versions.py): fed by this
server's own writes through shared memory, and by the database's notifications."""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from events import NewEvent
from events.record.types import ContextNoted
from service.settings import DEFAULTS
from service.storage.knowledge.shared_writes import SLOTS, SharedWrites
from service.storage.knowledge.versions import LISTENER_NAME, KnownVersions
from service.storage.pool import open_pool
from service.storage.results import Write
from service.storage.store import EventStore
from tests.events.histories import registered
from tests.service.api.test_long_poll import until
from tests.service.storage.test_store import SOURCE

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def until_live(known: KnownVersions) -> None:
    """Until the listener has read every stream's version and memory is trusted."""
    until(lambda: known.live, seconds=10)


def registration() -> NewEvent:
    return NewEvent(event=registered(), event_id=uuid4(), sources=SOURCE)


def note(version: int) -> NewEvent:
    noted = ContextNoted(occurred_on=date(2020, 1, version), summary=f"note {version}")
    return NewEvent(event=noted, event_id=uuid4(), sources=SOURCE)


@pytest.fixture
def known(service_url: str, tmp_path: Path) -> Iterator[KnownVersions]:
    versions = KnownVersions(service_url, SharedWrites(tmp_path / "writes"))
    yield versions
    versions.close()


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[EventStore]:
    """A store of another server (or the CLI): it knows nothing of this one's memory."""
    pool = open_pool(database_url, DEFAULTS, size=1)
    yield EventStore(pool)
    pool.close()


def test_a_write_put_by_one_worker_is_known_to_every_other_at_once(
    known: KnownVersions, service_url: str, tmp_path: Path
) -> None:
    other_worker = KnownVersions(service_url, SharedWrites(tmp_path / "writes"))
    try:
        until_live(known)
        until_live(other_worker)
        # A version the database never stored: only the shared memory can have told.
        other_worker.wrote(Write("kr-jp-gsomia", 99, NOW, 1))

        assert known.current("kr-jp-gsomia") == Write("kr-jp-gsomia", 99, NOW, 1)
    finally:
        other_worker.close()


def test_a_write_put_by_another_process_is_known_at_once(known: KnownVersions, tmp_path: Path) -> None:
    until_live(known)
    put = (
        "import sys; from datetime import datetime, UTC; from pathlib import Path;"
        "from service.storage.knowledge.shared_writes import SharedWrites;"
        "from service.storage.results import Write;"
        "SharedWrites(Path(sys.argv[1])).put(Write('kr-jp-gsomia', 7, datetime(2026, 12, 5, tzinfo=UTC), 5))"
    )
    subprocess.run([sys.executable, "-c", put, str(tmp_path / "writes")], check=True)

    assert known.current("kr-jp-gsomia") == Write("kr-jp-gsomia", 7, datetime(2026, 12, 5, tzinfo=UTC), 5)


def test_writes_from_elsewhere_are_heard_with_a_position_past_their_commit(
    known: KnownVersions, elsewhere: EventStore, connection: psycopg.Connection
) -> None:
    until_live(known)
    (before,) = connection.execute("SELECT pg_current_wal_insert_lsn() - '0/0'").fetchone() or (0,)
    result = elsewhere.append("jp-ukr-test", [registration()], 0)

    heard = known.at_least("jp-ukr-test", 1, 10)

    assert heard is not None
    assert (heard.version, heard.recorded_at) == (1, result.recorded_at)
    # Past the whole append: its commit record came after what was written before it began.
    assert heard.lsn > int(before)


def test_what_was_stored_before_listening_is_read_when_it_starts(
    elsewhere: EventStore, service_url: str, tmp_path: Path
) -> None:
    elsewhere.append("jp-ukr-test", [registration()], 0)
    # Started after the append, which no notification will tell it of: only its first read can.
    known = KnownVersions(service_url, SharedWrites(tmp_path / "writes"))
    try:
        until_live(known)

        found = known.current("jp-ukr-test")
    finally:
        known.close()

    assert found is not None and found.version == 1


def test_memory_is_not_trusted_while_the_listener_is_down_and_again_once_it_caught_up(
    known: KnownVersions, elsewhere: EventStore, connection: psycopg.Connection
) -> None:
    until_live(known)
    for version in range(1, 6):
        (terminated,) = connection.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = %s"
            " AND datname = current_database()",
            (LISTENER_NAME,),
        ).fetchone() or (False,)
        event = registration() if version == 1 else note(version)
        elsewhere.append("jp-ukr-test", [event], version - 1)

        # Never the version from before the write: either nothing (ask the database) or the write.
        found = known.current("jp-ukr-test")
        assert terminated
        assert found is None or found.version == version
        until_live(known)
        assert (found := known.current("jp-ukr-test")) is not None and found.version == version


def test_versions_the_database_does_not_hold_are_forgotten_when_the_listener_reconnects(
    known: KnownVersions, elsewhere: EventStore, connection: psycopg.Connection, tmp_path: Path
) -> None:
    """As after a failover to a standby that had not received a write this server knew of."""
    elsewhere.append("jp-ukr-test", [registration()], 0)
    until_live(known)
    SharedWrites(tmp_path / "writes").put(Write("jp-ukr-test", 7, NOW, 1))
    assert (found := known.current("jp-ukr-test")) is not None and found.version == 7

    connection.execute(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = %s"
        " AND datname = current_database()",
        (LISTENER_NAME,),
    )

    until(lambda: known.live and (again := known.current("jp-ukr-test")) is not None and again.version == 1)


def test_a_reader_that_fell_behind_the_ring_learns_every_version_again(
    known: KnownVersions, tmp_path: Path, elsewhere: EventStore
) -> None:
    until_live(known)
    elsewhere.append("jp-ukr-test", [registration()], 0)
    writer = SharedWrites(tmp_path / "writes")
    for version in range(SLOTS + 1):
        writer.put(Write("noise", version, NOW, 1))

    assert known.current("jp-ukr-test") is None  # fell behind: not trusted until read again
    until_live(known)
    assert (found := known.current("jp-ukr-test")) is not None and found.version == 1


def test_a_listener_that_cannot_connect_leaves_every_read_to_the_database(tmp_path: Path) -> None:
    nowhere = "postgresql://nobody@127.0.0.1:1/none"
    known = KnownVersions(nowhere, SharedWrites(tmp_path / "writes"), connect_timeout=1)
    try:
        known.wrote(Write("kr-jp-gsomia", 3, NOW, 1))

        assert known.current("kr-jp-gsomia") is None
        assert known.at_least("kr-jp-gsomia", 3, 0.05) is None
    finally:
        known.close()


def test_reads_past_the_waiters_ask_the_database_at_once_instead_of_waiting(service_url: str, tmp_path: Path) -> None:
    known = KnownVersions(service_url, SharedWrites(tmp_path / "writes"), waiters=0)
    try:
        until_live(known)
        known.wrote(Write("kr-jp-gsomia", 3, NOW, 1))

        assert known.at_least("kr-jp-gsomia", 3, 30) == Write("kr-jp-gsomia", 3, NOW, 1)  # known: no wait needed
        assert known.at_least("kr-jp-gsomia", 999, 30) is None  # a forged version: no one may wait, none waits
    finally:
        known.close()


def test_the_apps_of_one_process_share_their_writes_on_one_database_only() -> None:
    here, again, elsewhere = (SharedWrites.in_process(name) for name in ("h:5432/a", "h:5432/a", "h:5432/b"))
    here.put(Write("kr-jp-gsomia", 40, NOW, 1))

    assert again is here and elsewhere is not here
    assert again.since(0) == (1, [Write("kr-jp-gsomia", 40, NOW, 1)])
    assert elsewhere.since(0) == (0, [])
