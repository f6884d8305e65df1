"""Start-up verification: every stored event is read and replayed before the service
answers, and one this release cannot read stops the start with its id and reason."""

from uuid import uuid4

import psycopg
import pytest
from click import ClickException
from psycopg.types.json import Jsonb

from service.cli.verification import verify
from service.storage.store import EventStore
from tests.command_line import cli

INSERT = (
    "INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, '[]')"
)


def test_the_shipped_chronology_reads_and_replays(seeded: EventStore) -> None:
    verified = verify(seeded)

    assert (verified.agreements, verified.events) == (11, 70)


def test_a_registration_stored_in_version_1_passes(store: EventStore, connection: psycopg.Connection) -> None:
    parties = {"title": "Old", "parties": ["Republic of Korea", "Japan"]}
    connection.execute(INSERT, (uuid4(), "old", 1, "agreement_registered", 1, "2016-11-23", Jsonb(parties)))
    connection.commit()

    assert verify(store).events == 1


def test_an_event_that_cannot_be_upcast_stops_the_start_with_its_id_and_reason(
    database_url: str, connection: psycopg.Connection
) -> None:
    event_id = uuid4()
    unnamed = {"title": "Old", "parties": ["Republic of Korea", "\u2603"]}
    connection.execute(INSERT, (event_id, "old", 1, "agreement_registered", 1, "2016-11-23", Jsonb(unnamed)))
    connection.commit()

    refused = cli("serve", "--port", "0", database_url=database_url)

    assert refused.returncode == 1, refused.stderr
    assert f"event {event_id} (version 1 of 'old') cannot be read" in refused.stderr
    assert "Booting worker" not in refused.stderr


def test_a_history_the_rules_no_longer_accept_stops_the_start(
    store: EventStore, connection: psycopg.Connection
) -> None:
    registration = {"title": "Old", "parties": [{"id": "KOR", "name": "Korea"}, {"id": "JPN", "name": "Japan"}]}
    withdrawn = uuid4()
    connection.execute(INSERT, (uuid4(), "old", 1, "agreement_registered", 2, "2016-11-23", Jsonb(registration)))
    connection.execute(
        INSERT, (withdrawn, "old", 2, "termination_notice_withdrawn", 1, "2017-01-01", Jsonb({"withdrawn_by": "KOR"}))
    )
    connection.commit()

    with pytest.raises(ClickException, match=f"event {withdrawn} \\(version 2\\), termination_notice_withdrawn"):
        verify(store)
