"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import json
from urllib.request import urlopen

import psycopg
from psycopg.conninfo import make_conninfo

from tests.e2e.conftest import Serve
from tests.service.test_seed_and_health import cli


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


def test_the_compose_split_bootstrap_as_owner_then_serve_as_the_service_role(
    serve: Serve, empty_database_url: str
) -> None:
    password = "compose-like"
    bootstrapped = cli("bootstrap", database_url=empty_database_url, PACT_SERVICE_PASSWORD=password)
    service_url = make_conninfo(empty_database_url, user="pact_api", password=password)

    base = serve("--workers", "1", DATABASE_URL=service_url)

    assert bootstrapped.returncode == 0, bootstrapped.stderr
    assert "role pact_api may log in" in bootstrapped.stdout
    assert get(f"{base}/agreements/kr-jp-gsomia/status?on=2019-09-01")["termination"]["state"] == "pending"
    assert get(f"{base}/readyz")["status"] == "ready"
