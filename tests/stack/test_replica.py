"""The replica profile, as started by `docker compose --profile replica up`: a hot standby
of postgres that the API reads from once it has caught up."""

import time

from prometheus_client.parser import text_string_to_metric_families

from tests.stack.conftest import Stack


def replica_reads(stack: Stack) -> float:
    metrics = stack.ask("GET", "/metrics").body
    samples = [sample for family in text_string_to_metric_families(metrics) for sample in family.samples]
    return sum(s.value for s in samples if s.name == "pact_database_reads_total" and s.labels["database"] == "replica")


def test_the_standby_is_healthy_and_refuses_writes(stack: Stack) -> None:
    assert stack.container("replica")["State"]["Health"]["Status"] == "healthy"
    refused = stack.run("exec", "-T", "replica", "psql", "-h", "127.0.0.1", "-U", "pact", "-d", "pact", "-tAc",
                        "SELECT pg_is_in_recovery()")  # fmt: skip
    assert refused.strip() == "t"


def test_reads_are_served_by_the_standby_once_it_joined_the_rotation(stack: Stack) -> None:
    before = replica_reads(stack)
    deadline = time.monotonic() + 60
    limit = 1
    # Each limit is another question, which no answer kept in memory has answered yet.
    while replica_reads(stack) == before and time.monotonic() < deadline:
        answer = stack.ask("GET", f"/agreements/kr-jp-gsomia/events?limit={limit}")
        assert answer.status == 200 and len(answer.body["events"]) == limit
        limit += 1
        time.sleep(0.2)

    assert replica_reads(stack) > before
