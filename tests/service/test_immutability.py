"""Recorded events cannot be changed or removed: PostgreSQL itself refuses."""

from datetime import date
from uuid import uuid4

import psycopg
import pytest

from events import NewEvent
from events.types import ContextNoted
from service.store import EventStore


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
