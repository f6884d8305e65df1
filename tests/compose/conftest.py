"""An example of integration tests against pact-chronology, to copy into your own project.

They talk to a running service over HTTP only -- no database access -- and use what the
service offers tests: fixtures imported at start (PACT_IMPORT; compose imports
./fixtures/*.ndjson), a clock fixed at start (PACT_TODAY), and long-polls (``wait=``)
instead of sleeps. Start the stack, make a token, run them:

    PACT_TODAY=2024-06-01 docker compose up --build --detach --wait
    export PACT_TOKEN=$(docker compose run --rm migrate pact-chronology token create --name tests)
    PACT_BASE_URL=http://127.0.0.1:8000 PACT_TODAY=2024-06-01 pytest tests/compose

Nothing here needs more than pytest and the standard library (client.py).
"""

import os

import pytest

from .client import Service


@pytest.fixture(scope="session")
def service() -> Service:
    base_url = os.environ.get("PACT_BASE_URL")
    assert base_url, "set PACT_BASE_URL to the running service, e.g. http://127.0.0.1:8000"
    return Service(base_url.rstrip("/"), os.environ.get("PACT_TOKEN"))


@pytest.fixture(scope="session")
def today(service: Service) -> str:
    """The day the service was started with as its today (PACT_TODAY): the expected
    answers below hold on that day, whatever the calendar says."""
    expected = os.environ.get("PACT_TODAY", "2024-06-01")
    fixed = service.get("/healthz").body["fixed_today"]
    assert fixed == expected, f"start the service with PACT_TODAY={expected} (it says {fixed})"
    return expected
