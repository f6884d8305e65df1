import psycopg
from alembic import command

from service.storage.database import alembic_config, current_revision, head_revision, migrate


def test_migrations_build_the_schema_on_an_empty_database(empty_database_url: str) -> None:
    migrate(empty_database_url)

    with psycopg.connect(empty_database_url) as connection:
        assert current_revision(connection) == head_revision()
        columns = connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events'"
        ).fetchall()
    assert dict(columns) == {
        "position": "bigint",
        "event_id": "uuid",
        "stream_id": "text",
        "version": "integer",
        "event_type": "text",
        "schema_version": "smallint",
        "occurred_on": "date",
        "recorded_at": "timestamp with time zone",
        "payload": "jsonb",
        "sources": "jsonb",
        "metadata": "jsonb",
        "transaction_id": "xid8",
    }


def test_migrating_twice_changes_nothing_and_downgrade_reverses(empty_database_url: str) -> None:
    migrate(empty_database_url)
    migrate(empty_database_url)

    command.downgrade(alembic_config(empty_database_url), "base")

    with psycopg.connect(empty_database_url) as connection:
        assert current_revision(connection) is None
        assert connection.execute("SELECT to_regclass('events')").fetchone() == (None,)
