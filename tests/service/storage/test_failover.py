"""A failover: the primary fails, its synchronous standby is promoted, and the service,
which reaches the database through one address (a TCP proxy here, CloudNativePG's -rw
Service on Kubernetes), answers writes 503 with Retry-After while there is no primary, then
serves again on the new one -- with every write it acknowledged there, and every read
carrying a write's token seeing it."""

import psycopg
from flask.testing import FlaskClient

from bench.replication import replicated
from service.app import create_app
from service.storage import tokens
from service.storage.database import SERVICE_ROLE, migrate, service_role_url
from tests.service.api.test_long_poll import until
from tests.service.client import PACT, event, post
from tests.service.storage.balancer import Balancer

PASSWORD = "failover-test"
NOTES = 20


def note(client: FlaskClient) -> tuple[int, list[str], str]:
    """Append a note: the answer's status, and when acknowledged its event ids and token."""
    answer = post(client, "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]})
    body = answer.get_json() if answer.status_code == 201 else {}
    return answer.status_code, body.get("event_ids", []), answer.headers.get("Consistency-Token", "")


def test_a_failover_to_a_synchronous_standby_loses_no_acknowledged_write() -> None:
    with replicated() as cluster:
        with psycopg.connect(cluster.url(cluster.primary_port), autocommit=True) as owner:
            owner.execute("CREATE DATABASE pact")
            # A commit waits until the standby has it: what the production overlay asks of CloudNativePG.
            owner.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
            owner.execute("SELECT pg_reload_conf()")
        migrate(cluster.url(cluster.primary_port, "pact"))
        service_role_url(cluster.url(cluster.primary_port, "pact"), PASSWORD)
        with psycopg.connect(cluster.url(cluster.primary_port, "pact")) as owner:
            token = tokens.create(owner, "failover-writer")
        with Balancer([("127.0.0.1", cluster.primary_port)]) as read_write:
            app = create_app(
                {"DATABASE_URL": cluster.url(read_write.port, "pact", SERVICE_ROLE, PASSWORD), "TESTING": True}
            )
            client = app.test_client()
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            try:
                assert post(client, "/agreements", PACT).status_code == 201
                acknowledged: list[str] = []
                for _ in range(NOTES):
                    status, ids, consistency = note(client)
                    assert status == 201
                    acknowledged += ids

                cluster.stop_primary("immediate")  # a crash: nothing flushed on the way out
                refused = post(
                    client, "/agreements/test-pact/events", {"events": [event("context_noted", "2020-01-01")]}
                )
                cluster.promote_standby()
                read_write.switch([("127.0.0.1", cluster.standby_port)])
                until(lambda: note(client)[0] == 201)

                assert refused.status_code == 503 and refused.headers["Retry-After"]
                with psycopg.connect(cluster.url(cluster.standby_port, "pact")) as promoted:
                    stored = {str(row[0]) for row in promoted.execute("SELECT event_id FROM events").fetchall()}
                assert set(acknowledged) <= stored
                read = client.get("/agreements/test-pact/events?limit=1000", headers={"Consistency-Token": consistency})
                assert read.status_code == 200
                assert {entry["id"] for entry in read.get_json()["events"]} >= set(acknowledged)
            finally:
                app.extensions["pact"].close()
