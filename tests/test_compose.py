"""compose.yaml and docker/ checked statically: no Docker engine is needed to catch drift.

The commands the containers run are the ones the other tests run natively
(`pact-chronology migrate`, `serve`, pytest with TEST_DATABASE_URL).
"""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


def test_the_stack_has_database_migration_api_and_tests(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", "migrate", "api", "tests", "replica", "api-2", "front"}
    assert compose["services"]["tests"]["profiles"] == ["test"]


def test_the_scale_profile_puts_nginx_in_front_of_two_servers_of_one_database(compose: dict[str, Any]) -> None:
    services = compose["services"]
    api, second, front = services["api"], services["api-2"], services["front"]
    config = (ROOT / "docker" / "nginx.conf").read_text()

    assert second["profiles"] == front["profiles"] == ["scale"]
    assert (second["command"], second["environment"]) == (api["command"], api["environment"])
    assert "./docker/nginx.conf:/etc/nginx/nginx.conf:ro" in front["volumes"]
    assert re.search(r"server api:8000\b", config) and re.search(r"server api-2:8000\b", config)
    assert "proxy_next_upstream error timeout" in config and "proxy_cache pact;" in config


def test_the_replica_profile_streams_from_postgres_and_the_api_reads_from_it(compose: dict[str, Any]) -> None:
    replica, api = compose["services"]["replica"], compose["services"]["api"]
    script = (ROOT / "docker" / "replica.sh").read_text()
    hba = (ROOT / "docker" / "pg_hba.conf").read_text()

    assert replica["profiles"] == ["replica"]
    assert replica["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "pg_basebackup --host=postgres --username=pact" in script and "--write-recovery-conf" in script
    assert re.search(r"^host\s+replication\s+pact\s+all\s+scram-sha-256$", hba, re.M)
    assert "hba_file=/etc/pact/pg_hba.conf" in compose["services"]["postgres"]["command"]
    assert "@replica:5432/" in api["environment"]["PACT_REPLICA_URLS"]


def test_services_wait_for_what_they_need(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "tests"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_long_running_services_have_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_app_services_run_existing_cli_commands_against_the_compose_database(compose: dict[str, Any]) -> None:
    services = compose["services"]

    for name in ("migrate", "api"):
        command = services[name]["command"]
        assert command[0] == "pact-chronology" and command[1] in main.commands
        assert "@postgres:5432/" in services[name]["environment"]["DATABASE_URL"]
    assert "@postgres:5432/" in services["tests"]["environment"]["TEST_DATABASE_URL"]


def test_the_owner_migrates_and_the_api_connects_as_the_service_role(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate, api, tests = (services[name]["environment"] for name in ("migrate", "api", "tests"))

    assert migrate["DATABASE_URL"].startswith("postgresql://pact:")
    assert api["DATABASE_URL"].startswith(f"postgresql://pact_api:{migrate['PACT_SERVICE_PASSWORD']}@")
    assert tests["PACT_SERVICE_PASSWORD"] == migrate["PACT_SERVICE_PASSWORD"]
    assert services["migrate"]["command"] == ["pact-chronology", "bootstrap"]


def test_the_dockerfile_copies_only_what_exists() -> None:
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()

    copied = [word for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for word in line.split()[:-1]]
    assert copied and all((ROOT / path).exists() for path in copied)
    assert "pact-chronology" in dockerfile and "/readyz" in dockerfile


def test_the_migration_imports_the_mounted_fixtures_and_the_api_takes_its_today_from_the_environment(
    compose: dict[str, Any],
) -> None:
    migrate, api = compose["services"]["migrate"], compose["services"]["api"]

    assert "./fixtures:/fixtures:ro" in migrate["volumes"]
    assert migrate["environment"]["PACT_IMPORT"] == "${PACT_IMPORT:-/fixtures/*.ndjson}"
    assert api["environment"]["PACT_TODAY"] == "${PACT_TODAY:-}"
    assert any((ROOT / "fixtures").glob("*.ndjson"))
