"""Recorded events cannot be changed, removed, or committed long after they were recorded:
PostgreSQL itself refuses."""

from datetime import date
from uuid import uuid4

import psycopg
import pytest

from events import NewEvent
from events.record.types import ContextNoted
from service.storage.store import EventStore


@pytest.fixture
def one_event(store: EventStore) -> EventStore:
    store.append("s", [NewEvent(event=ContextNoted(occurred_on=date(2020, 1, 1)), event_id=uuid4())], 0)
    return store


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET occurred_on = '2021-01-01'",
        "UPDATE events SET payload = '{}'",
        "DELETE FROM events",
        "TRUNCATE events",
    ],
)
def test_the_database_refuses(statement: str, one_event: EventStore, connection: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        connection.execute(statement)

    assert connection.execute("SELECT count(*), min(occurred_on) FROM events").fetchone() == (1, date(2020, 1, 1))


def test_an_append_that_commits_too_long_after_it_was_recorded_fails(connection: psycopg.Connection) -> None:
    insert = (
        "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, payload)"
        " VALUES (%s, 's', 1, 'context_noted', '2020-01-01', '{}')"
    )

    with pytest.raises(psycopg.errors.TransactionRollback, match="after it was recorded"):
        with connection.transaction():
            connection.execute("SET LOCAL pact.max_commit_lag = '1 microsecond'")
            connection.execute(insert, (uuid4(),))

    assert connection.execute("SELECT count(*) FROM events").fetchone() == (0,)
