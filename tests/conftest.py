"""Shared fixtures: one PostgreSQL per test session, one fresh database per test.

The server is the embedded one (pgserver, in a temporary folder) unless TEST_DATABASE_URL
names another. The schema is migrated once into a template database; each test gets its
own copy (CREATE DATABASE ... TEMPLATE), so tests are isolated and run in any order.
"""

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright
from psycopg.conninfo import make_conninfo

from service.app import create_app
from service.cli.seeding import seed
from service.http.handles import Handles
from service.storage import tokens
from service.storage.database import SERVICE_ROLE, migrate
from service.storage.store import EventStore


def with_database(url: str, name: str) -> str:
    """The same server URL, pointing at database ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="pact-pg-") as data_dir:
        server = pgserver.get_server(Path(data_dir), cleanup_mode="delete")
        yield server.get_uri()
        server.cleanup()


def _admin(server_url: str) -> psycopg.Connection:
    return psycopg.connect(with_database(server_url, "postgres"), autocommit=True)


@pytest.fixture(scope="session")
def template_name(server_url: str, worker_id: str) -> Iterator[str]:
    """A migrated template database, one per test worker so parallel sessions never share it."""
    name = f"pact_template_{worker_id}_{uuid4().hex[:8]}"
    with _admin(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    migrate(with_database(server_url, name))
    _let_the_service_role_log_in(server_url)
    yield name
    with _admin(server_url) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(server_url: str) -> Iterator[str]:
    """A database with nothing in it, not even the schema."""
    yield from _fresh_database(server_url, template=None)


@pytest.fixture
def database_url(server_url: str, template_name: str) -> Iterator[str]:
    """A migrated database of this test's own."""
    yield from _fresh_database(server_url, template=template_name)


def service_password(server_url: str) -> str:
    """The service role's password: PACT_SERVICE_PASSWORD when set (a server shared with a
    running API, as in compose), else one derived from the server, the same in every worker."""
    return os.environ.get("PACT_SERVICE_PASSWORD") or hashlib.sha256(f"pact-test:{server_url}".encode()).hexdigest()


def _let_the_service_role_log_in(server_url: str) -> None:
    """Roles belong to the server, so parallel workers take turns setting the password."""
    with _admin(server_url) as admin, admin.transaction():
        admin.execute("SELECT pg_advisory_xact_lock(7346002)")
        admin.execute(f"ALTER ROLE {SERVICE_ROLE} WITH LOGIN PASSWORD '{service_password(server_url)}'")


@pytest.fixture
def service_url(server_url: str, database_url: str) -> str:
    """This test's database, as the least-privilege role the API connects as."""
    return make_conninfo(database_url, user=SERVICE_ROLE, password=service_password(server_url))


def _fresh_database(server_url: str, template: str | None) -> Iterator[str]:
    name = f"pact_test_{uuid4().hex[:12]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with _admin(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{clause}')
    yield with_database(server_url, name)
    with _admin(server_url) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def app(service_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": service_url, "TESTING": True})
    yield app
    resources: Handles = app.extensions["pact"]
    resources.close()


@pytest.fixture
def store(app: Flask) -> EventStore:
    return app.extensions["pact"].store  # type: ignore[no-any-return]


@pytest.fixture
def seeded(store: EventStore) -> EventStore:
    """A store holding the shipped chronologies."""
    seed(store)
    return store


@pytest.fixture
def token(connection: psycopg.Connection) -> str:
    """A write token named "test-writer"."""
    return tokens.create(connection, "test-writer")


@pytest.fixture
def client(app: Flask, token: str) -> FlaskClient:
    """A client that writes with a valid token unless a request says otherwise."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A client without credentials."""
    return app.test_client()


@pytest.fixture
def connection(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


# psycopg_pool's background threads draw from the global `random` (jittered reconnection
# delays), which Hypothesis can mistake for a strategy using `random` while it draws an
# example for a test that runs against a real pool. Only such tests carry this mark.
POOL_THREADS_USE_RANDOM = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)


# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium when installed (CI installs it), else the one Playwright manages."""
    with sync_playwright() as playwright:
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
