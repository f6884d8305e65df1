"""Reads on a hot standby: served by it when it holds what the read must see, by the primary
when it does not, and never older for it (service/storage/knowledge/replicas.py)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from bench.replication import Cluster, replicated
from service.app import create_app
from service.storage import tokens
from service.storage.database import SERVICE_ROLE, migrate, service_role_url
from service.storage.knowledge.replicas import READS
from service.storage.knowledge.versions import LISTENER_NAME
from service.storage.results import ConsistencyToken
from tests.command_line import cli
from tests.service.api.test_long_poll import until
from tests.service.client import PACT, event, post
from tests.service.storage.balancer import Balancer

PASSWORD = "replica-test"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with replicated(standbys=2) as cluster:
        owner = cluster.url(cluster.primary_port)
        with psycopg.connect(owner, autocommit=True) as connection:
            connection.execute("CREATE DATABASE pact")
        migrate(cluster.url(cluster.primary_port, "pact"))
        service_role_url(cluster.url(cluster.primary_port, "pact"), PASSWORD)
        for port in (cluster.standby_port, *cluster.more_standby_ports):
            until(lambda port=port: caught_up(cluster, port))  # type: ignore[misc]
        yield cluster


def caught_up(cluster: Cluster, standby_port: int) -> bool:
    """Whether a standby has replayed everything the primary has written so far."""
    with psycopg.connect(cluster.url(cluster.primary_port)) as primary:
        written = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    with psycopg.connect(cluster.url(standby_port)) as standby:
        return bool(standby.execute("SELECT pg_last_wal_replay_lsn() >= %s", written).fetchone()[0])  # type: ignore[index]


@pytest.fixture
def app(cluster: Cluster) -> Iterator[Flask]:
    primary = cluster.url(cluster.primary_port, "pact", SERVICE_ROLE, PASSWORD)
    standby = cluster.url(cluster.standby_port, "pact", SERVICE_ROLE, PASSWORD)
    app = create_app({"DATABASE_URL": primary, "REPLICA_URLS": standby, "REPLICA_MAX_LAG": 0.5, "TESTING": True})
    yield app
    app.extensions["pact"].close()


@pytest.fixture
def client(app: Flask, cluster: Cluster) -> FlaskClient:
    with psycopg.connect(cluster.url(cluster.primary_port, "pact")) as owner:
        writer = tokens.create(owner, f"writer-{datetime.now(UTC).timestamp()}")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {writer}"
    return client


@pytest.fixture
def pact(client: FlaskClient) -> str:
    """A fresh agreement of this test's own (the cluster is shared by the module's tests)."""
    agreement_id = f"pact-{int(datetime.now(UTC).timestamp() * 1e6)}"
    assert post(client, "/agreements", PACT | {"id": agreement_id}).status_code == 201
    return f"/agreements/{agreement_id}"


def in_rotation(app: Flask) -> bool:
    return bool(app.extensions["pact"].store.replicas.replicas[0].in_rotation)


def replica_reads() -> float:
    return READS.labels("replica")._value.get()  # type: ignore[no-any-return]


def append(client: FlaskClient, pact: str) -> tuple[int, str]:
    answer = post(client, f"{pact}/events", {"events": [event("context_noted", "2020-01-01")]})
    assert answer.status_code == 201
    return answer.get_json()["version"], answer.headers["Consistency-Token"]


def newest(client: FlaskClient, pact: str, limit: int = 1000, **headers: str) -> int:
    """The newest version an events page shows (each limit is another question, not one answered from memory)."""
    return int(client.get(f"{pact}/events?limit={limit}", headers=headers).get_json()["events"][-1]["version"])


def test_reads_are_served_by_the_standby(app: Flask, client: FlaskClient, pact: str) -> None:
    version, token = append(client, pact)
    standby = app.extensions["pact"].store.replicas.replicas[0]
    until(lambda: standby.in_rotation and standby.replayed >= ConsistencyToken.parse(token).lsn)  # it has the write
    before = replica_reads()
    long_ago = quote((datetime.now(UTC) - timedelta(days=1)).isoformat())

    pages = [newest(client, pact, limit) for limit in range(1, 6)]
    past = client.get(f"{pact}/status?known_at={long_ago}")

    assert pages == [1, version, version, version, version] and past.status_code == 200
    assert replica_reads() - before >= 5


def test_a_read_with_the_token_of_a_write_always_sees_it(
    app: Flask, client: FlaskClient, pact: str, cluster: Cluster
) -> None:
    until(lambda: in_rotation(app))
    with psycopg.connect(cluster.url(cluster.primary_port, "pact"), autocommit=True) as owner:
        for _ in range(10):
            version, token = append(client, pact)
            # Memory blind: the read asks a database, a replica only if it holds the token's write.
            owner.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = %s",
                (LISTENER_NAME,),
            )

            assert newest(client, pact, **{"Consistency-Token": token}) == version
            assert newest(client, pact) == version


def test_with_replay_paused_reads_go_to_the_primary_and_stay_right(
    app: Flask, client: FlaskClient, pact: str, cluster: Cluster
) -> None:
    until(lambda: in_rotation(app))
    with psycopg.connect(cluster.url(cluster.standby_port, "pact"), autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            for _ in range(5):
                version, token = append(client, pact)
                assert newest(client, pact, **{"Consistency-Token": token}) == version
                assert newest(client, pact) == version
            until(lambda: not in_rotation(app))
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    until(lambda: in_rotation(app))
    assert newest(client, pact) == version


def test_through_one_address_that_balances_each_connection_no_answer_is_older_than_known(
    cluster: Cluster, pact: str, client: FlaskClient
) -> None:
    """As through CloudNativePG's -ro Service: the monitor's connection reaches the first
    standby, which is current; the reads' connections reach either, the second with its
    replay paused. A question about an instant after the writes, once that instant is
    settled, must be answered as the primary answers it, whichever standby a connection
    reached."""
    until(lambda: caught_up(cluster, cluster.more_standby_ports[0]))  # it knows the agreement, ...
    lagging = cluster.url(cluster.more_standby_ports[0], "pact")
    with (
        Balancer([("127.0.0.1", port) for port in (cluster.standby_port, *cluster.more_standby_ports)]) as balancer,
        psycopg.connect(lagging, autocommit=True) as paused,
    ):
        primary = cluster.url(cluster.primary_port, "pact", SERVICE_ROLE, PASSWORD)
        behind_service = cluster.url(balancer.port, "pact", SERVICE_ROLE, PASSWORD)
        settings = {"DATABASE_URL": primary, "REPLICA_URLS": behind_service, "POOL_MIN_SIZE": 2, "TESTING": True}
        app = create_app({**settings, "REPLICA_MAX_LAG": 30})
        primary_only = create_app({"DATABASE_URL": primary, "TESTING": True})
        reader = app.test_client()
        paused.execute("SELECT pg_wal_replay_pause()")  # ... and none of what follows
        try:
            signed = [event("signed", "2016-08-31"), event("entered_into_force", "2016-08-31")]
            assert post(client, f"{pact}/events", {"events": signed}).status_code == 201
            known_at = datetime.now(UTC)
            replicas = app.extensions["pact"].store.replicas
            until(lambda: replicas.settled(known_at) is not None)  # the instant is settled, a standby may answer
            before = replica_reads()

            question = f"{pact}/status?known_at={quote(known_at.isoformat())}"
            answers = [reader.get(question).get_json() for _ in range(8)]

            assert answers == [primary_only.test_client().get(question).get_json()] * 8
            assert answers[0]["phase"] == "in_force"
            assert replica_reads() > before  # the current standby answered some of them
        finally:
            paused.execute("SELECT pg_wal_replay_resume()")
            for each in (app, primary_only):
                each.extensions["pact"].close()


def test_with_the_standby_stopped_reads_keep_working(
    app: Flask, client: FlaskClient, pact: str, cluster: Cluster
) -> None:
    until(lambda: in_rotation(app))
    cluster.stop_standby()
    try:
        for _ in range(3):
            version, token = append(client, pact)
            assert newest(client, pact, **{"Consistency-Token": token}) == version
            assert client.get(f"{pact}/status").status_code == 200
        assert not in_rotation(app)
    finally:
        cluster.start_standby()
    until(lambda: in_rotation(app))


def test_with_the_primary_stopped_the_standby_answers_what_it_can(
    app: Flask, client: FlaskClient, pact: str, cluster: Cluster
) -> None:
    version, token = append(client, pact)
    standby = app.extensions["pact"].store.replicas.replicas[0]
    until(lambda: standby.in_rotation and standby.replayed >= ConsistencyToken.parse(token).lsn)  # it has the write
    cluster.stop_primary()
    try:
        pages = [newest(client, pact, limit) for limit in range(20, 25)]
        write = post(client, f"{pact}/events", {"events": [event("context_noted", "2020-01-01")]})
    finally:
        cluster.start_primary()

    assert pages == [version] * 5
    assert write.status_code == 503


def test_the_standby_refuses_writes_so_only_the_primary_is_written(cluster: Cluster) -> None:
    with psycopg.connect(cluster.url(cluster.standby_port, "pact")) as standby:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            standby.execute("CREATE TABLE nothing (x int)")


def test_a_replica_url_that_is_no_connection_string_stops_the_start_with_a_word(empty_database_url: str) -> None:
    refused = cli("serve", database_url=empty_database_url, PACT_REPLICA_URLS="postgresql://a@b/c, host=x port")

    assert refused.returncode != 0
    assert "PACT_REPLICA_URLS: 'host=x port' is not a connection string" in refused.stderr
    assert "Traceback" not in refused.stderr
    with pytest.raises(ValueError, match="host=x port"):
        create_app({"DATABASE_URL": empty_database_url, "REPLICA_URLS": "host=x port"})
