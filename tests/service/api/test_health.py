"""Liveness stays up when the database is not; readiness tells a migrated, reachable
database from one that is not."""

from collections.abc import Iterator

import pytest
from flask import Flask

from service.app import create_app


@pytest.fixture
def unmigrated_app(empty_database_url: str) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": empty_database_url})
    yield app
    app.extensions["pact"].close()


def test_an_unmigrated_database_is_not_ready(unmigrated_app: Flask) -> None:
    response = unmigrated_app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "run migrations" in response.get_json(force=True)["detail"]


@pytest.fixture
def unreachable_app() -> Iterator[Flask]:
    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app({"DATABASE_URL": url, "POOL_TIMEOUT": 1, "POOL_MIN_SIZE": 0})
    yield app
    app.extensions["pact"].close()


def test_an_unreachable_database_is_a_503_problem_not_a_stack_trace(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()

    live = client.get("/healthz")
    ready = client.get("/readyz")
    status = client.get("/agreements/kr-jp-gsomia/status")

    assert live.status_code == 200
    for response in (ready, status):
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert response.get_json(force=True)["type"] == "/problems/database-unavailable"
        assert response.headers["Retry-After"] == "5"
