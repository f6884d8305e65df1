"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import json
from urllib.request import urlopen

import psycopg


def get(url: str) -> dict:  # type: ignore[type-arg]
    with urlopen(url, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_serve_loads_the_chronology_and_answers_over_http(served: str) -> None:
    status = get(f"{served}/agreements/kr-jp-gsomia/status?on=2019-11-22")
    ready = get(f"{served}/readyz")

    assert status["phase"] == "in_force"
    assert status["termination"]["state"] == "suspended"
    assert ready["status"] == "ready"


def test_the_served_api_connects_as_the_service_role(served: str, connection: psycopg.Connection) -> None:
    get(f"{served}/agreements/kr-jp-gsomia/status?on=2019-11-22")

    users = connection.execute(
        "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()

    assert users == [("pact_api",)]
