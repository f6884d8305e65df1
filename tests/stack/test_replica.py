"""The replica profile, as started by `docker compose --profile replica up`: a hot standby
of postgres that the API reads from once it has caught up."""

import time

from prometheus_client.parser import text_string_to_metric_families

from tests.stack.conftest import Stack


def replica_reads(stack: Stack) -> float:
    metrics = stack.ask("GET", "/metrics").body
    samples = [sample for family in text_string_to_metric_families(metrics) for sample in family.samples]
    return sum(s.value for s in samples if s.name == "pact_database_reads_total" and s.labels["database"] == "replica")


def healthy(stack: Stack) -> bool:
    return bool(stack.container("replica")["State"]["Health"]["Status"] == "healthy")


def test_the_standby_is_healthy_and_in_recovery(stack: Stack) -> None:
    deadline = time.monotonic() + 120
    while not healthy(stack) and time.monotonic() < deadline:
        time.sleep(0.5)

    assert healthy(stack)
    in_recovery = stack.run("exec", "-T", "replica", "psql", "-h", "127.0.0.1", "-U", "pact", "-d", "pact", "-tAc",
                            "SELECT pg_is_in_recovery()")  # fmt: skip
    assert in_recovery.strip() == "t"


def test_reads_are_served_by_the_standby_once_it_joined_the_rotation(stack: Stack) -> None:
    before = replica_reads(stack)
    deadline = time.monotonic() + 60
    asked = 0
    # Each page is another question, which no answer kept in memory has answered yet.
    while replica_reads(stack) == before and time.monotonic() < deadline:
        page = f"limit={1 + asked % 20}&after_version={asked // 20}"
        assert stack.ask("GET", f"/agreements/kr-jp-gsomia/events?{page}").status == 200
        asked += 1
        time.sleep(0.2)

    assert replica_reads(stack) > before
