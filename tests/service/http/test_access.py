"""Who may write, and what the service's own database role cannot do whatever the code says."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import psycopg.conninfo
import pytest
from flask.testing import FlaskClient

from service.storage import tokens
from tests.command_line import cli
from tests.service.client import PACT, event, post, problem


def test_reads_are_public_and_writes_need_a_token(anonymous: FlaskClient, pact: str) -> None:
    assert anonymous.get(f"{pact}/status?on=2020-01-01").status_code == 200

    for response in (
        post(anonymous, "/agreements", {**PACT, "id": "other-pact"}),
        post(anonymous, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]}),
    ):
        body = problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="pact-chronology"'
        assert "token" in body["detail"]


@pytest.mark.parametrize(
    ("authorization", "error"),
    [
        ("Bearer pact_not-a-real-token", "invalid_token"),
        ("Bearer " + "x" * 5000, "invalid_token"),
        ("Basic dXNlcjpwYXNz", "invalid_request"),
    ],
)
def test_a_bad_token_is_refused_before_the_body_is_read(
    anonymous: FlaskClient, pact: str, authorization: str, error: str
) -> None:
    response = anonymous.post(f"{pact}/events", data="not json", headers={"Authorization": authorization})

    problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="pact-chronology", error="{error}"'


def test_a_revoked_token_is_refused_at_once(client: FlaskClient, pact: str, connection: psycopg.Connection) -> None:
    tokens.revoke(connection, "test-writer")

    response = post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]})

    problem(response, 401, "unauthorized")


def test_the_writer_is_recorded_and_cannot_be_forged(client: FlaskClient, pact: str) -> None:
    forged = event("context_noted", "2019-01-01")
    forged["metadata"] = {"recorded_by": "someone else"}

    refused = post(client, f"{pact}/events", {"events": [forged]})
    accepted = post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-02")]})

    assert problem(refused, 422, "invalid-body")["errors"][0]["pointer"] == "/events/0/metadata/recorded_by"
    assert accepted.status_code == 201
    stored = client.get(f"{pact}/events?after_version=3").get_json()["events"]
    assert [e["metadata"]["recorded_by"] for e in stored] == ["test-writer"]


def test_tokens_are_stored_hashed(token: str, connection: psycopg.Connection) -> None:
    rows = connection.execute("SELECT name, token_hash FROM api_tokens").fetchall()

    assert rows == [("test-writer", tokens.digest(token))]
    assert token not in rows[0][1]


def test_the_token_commands(database_url: str) -> None:
    created = cli("token", "create", "--name", "alice", database_url=database_url)
    again = cli("token", "create", "--name", "alice", database_url=database_url)
    revoked = cli("token", "revoke", "alice", database_url=database_url)
    listed = cli("token", "list", database_url=database_url)
    unknown = cli("token", "revoke", "bob", database_url=database_url)

    assert created.returncode == 0 and created.stdout.startswith(tokens.PREFIX), created.stderr
    assert again.returncode == 1 and "exists already" in again.stderr
    assert revoked.returncode == 0 and listed.stdout.startswith("alice\tcreated ") and "\trevoked " in listed.stdout
    assert unknown.returncode == 1 and "no active token named 'bob'" in unknown.stderr


def test_the_token_commands_say_which_database_they_use_and_hide_its_password(database_url: str) -> None:
    created = cli("token", "create", "--name", "carol", database_url=database_url)
    owner = psycopg.conninfo.conninfo_to_dict(database_url)

    where = f"{owner.get('host', 'localhost')}:{owner.get('port', 5432)}"

    # Exactly who, where and which database: the password, whatever it is, is not there.
    assert f"Using DATABASE_URL: {owner['user']}@{where}/{owner['dbname']}\n" in created.stderr


def test_no_token_is_made_in_an_embedded_database_nobody_started(tmp_path: Path) -> None:
    data_dir = tmp_path / "not-the-service-s"
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    ask = [sys.executable, "-m", "service.cli", "token", "create", "--name", "dave"]

    refused = subprocess.run(ask, env={**env, "PACT_DATA_DIR": str(data_dir)}, capture_output=True, text=True)
    listed = subprocess.run(
        [sys.executable, "-m", "service.cli", "token", "list"],
        env={**env, "PACT_DATA_DIR": str(data_dir)}, capture_output=True, text=True,
    )  # fmt: skip

    assert refused.returncode == 1 and refused.stdout == ""
    assert f"there is no database in {data_dir} yet" in refused.stderr and "--create-database" in refused.stderr
    assert listed.returncode == 1 and "--create-database" not in listed.stderr
    assert not data_dir.exists()


def test_asked_to_a_token_command_makes_the_embedded_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    ask = [sys.executable, "-m", "service.cli", "token", "create", "--name", "erin", "--create-database"]

    created = subprocess.run(ask, env={**env, "PACT_DATA_DIR": str(data_dir)}, capture_output=True, text=True)

    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(tokens.PREFIX)
    assert f"using the embedded PostgreSQL in {data_dir}" in created.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET recorded_at = now() - interval '1 day'",
        "DELETE FROM events",
        "TRUNCATE events",
        "ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete",
        "DROP TRIGGER events_no_update_or_delete ON events",
        "SET session_replication_role = replica",
        "INSERT INTO api_tokens (name, token_hash) VALUES ('me', repeat('a', 64))",
        "SELECT token_hash FROM api_tokens UNION SELECT 'x' FROM api_tokens WHERE created_at IS NULL",
        "CREATE TABLE sneaky (id int)",
        "UPDATE agreements_tally SET agreements = 0",
        "INSERT INTO agreements_tally (agreements, single) VALUES (0, false)",
    ],
)
def test_the_service_role_may_only_read_and_append(
    statement: str, service_url: str, client: FlaskClient, pact: str
) -> None:
    with psycopg.connect(service_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(statement)
        row = connection.execute(
            "SELECT rolsuper, (SELECT tableowner FROM pg_tables WHERE tablename = 'events') = current_user"
            " FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        events = connection.execute("SELECT count(*), min(recorded_at) < now() - interval '1 hour' FROM events")

        assert row == (False, False)
        assert events.fetchone() == (3, False)


def test_the_database_keeps_versions_gapless(pact: str, connection: psycopg.Connection) -> None:
    insert = (
        "INSERT INTO events (event_id, stream_id, version, event_type, occurred_on, payload)"
        " VALUES (gen_random_uuid(), 'test-pact', %s, 'context_noted', '2020-01-01', '{}')"
    )

    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not follow"):
        connection.execute(insert, (1000,))
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not follow"):
        connection.execute(insert, (5,))
    connection.execute(insert, (4,))

    assert connection.execute("SELECT max(version) FROM events WHERE stream_id = 'test-pact'").fetchone() == (4,)
