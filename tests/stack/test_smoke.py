"""The stack as started: in order, answering, and writable with a token made by its CLI."""

from uuid import uuid4

from tests.stack.conftest import Stack, instant

SOURCE = [{"publisher": "pact-chronology compose smoke test"}]


def test_postgres_then_the_migration_then_the_api_each_healthy_or_done(stack: Stack) -> None:
    postgres, migrate, api = (stack.container(name)["State"] for name in ("postgres", "migrate", "api"))

    assert postgres["Health"]["Status"] == "healthy"
    assert migrate["Status"] == "exited" and migrate["ExitCode"] == 0
    assert instant(postgres["StartedAt"]) < instant(migrate["StartedAt"])
    assert instant(migrate["FinishedAt"]) <= instant(api["StartedAt"])
    assert api["Health"]["Status"] == "healthy"


def test_the_api_runs_as_a_user_without_privileges(stack: Stack) -> None:
    assert stack.container("api")["Config"]["User"] == "pact"
    assert stack.run("exec", "-T", "api", "id", "-u").strip() != "0"


def test_gsomia_on_2019_09_01_is_termination_pending_effective_2019_11_23(stack: Stack) -> None:
    answer = stack.ask("GET", "/agreements/kr-jp-gsomia/status?on=2019-09-01")

    assert answer.status == 200
    assert answer.body["phase"] == "in_force"
    assert answer.body["termination"]["state"] == "pending"
    assert answer.body["termination"]["effective_on"] == "2019-11-23"


def test_a_write_with_a_token_from_the_cli_is_seen_by_the_next_read(stack: Stack) -> None:
    token = stack.token(f"smoke-{uuid4().hex[:8]}")
    pact = f"smoke-{uuid4().hex[:8]}"
    registration = {"id": pact, "title": "A compose smoke-test pact", "parties": ["A", "B"], "terms": {}}
    opened = {"events": [{"type": "negotiations_opened", "occurred_on": "2020-01-02", "sources": SOURCE}]}

    registered = stack.ask("POST", "/agreements", {**registration, "occurred_on": "2020-01-01"}, token)
    appended = stack.ask("POST", f"/agreements/{pact}/events", opened, token)
    read = stack.ask("GET", f"/agreements/{pact}/events")
    status = stack.ask("GET", f"/agreements/{pact}/status?on=2020-01-03")

    assert (registered.status, appended.status) == (201, 201)
    assert [event["id"] for event in read.body["events"]][-1] == appended.body["event_ids"][0]
    assert status.body["phase"] == "negotiating"


def test_a_write_without_a_token_is_refused(stack: Stack) -> None:
    answer = stack.ask("POST", "/agreements", {"id": "nobody-s-pact"})

    assert answer.status == 401
    assert answer.content_type == "application/problem+json"


def test_readyz_says_ready(stack: Stack) -> None:
    answer = stack.ask("GET", "/readyz")

    assert answer.status == 200
    assert answer.body["status"] == "ready"
