"""The example integration tests (tests/compose) pass against a served instance started
as compose starts it for them: fixtures imported at start, today fixed. The compose stage
runs the same tests against the real stack."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from service.storage import tokens
from tests.e2e.conftest import Serve

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2024-06-01"


def test_the_example_integration_tests_pass(serve: Serve, database_url: str) -> None:
    server = serve("--workers", "1", PACT_TODAY=TODAY, PACT_IMPORT=str(ROOT / "fixtures" / "*.ndjson"))
    with psycopg.connect(database_url, autocommit=True) as owner:
        token = tokens.create(owner, "example-tests")

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(ROOT / "tests" / "compose")],
        env={**os.environ, "PACT_BASE_URL": server.url, "PACT_TOKEN": token, "PACT_TODAY": TODAY},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
