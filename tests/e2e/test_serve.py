"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from urllib.request import urlopen

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(database_url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    # Once gunicorn says it listens, connections queue on its socket: no polling needed.
    for line in server.stderr:
        if "Listening at" in line:
            break
    else:
        pytest.fail(f"the server exited with {server.wait()} before listening")
    # Keep reading its log so a chatty server never blocks on a full pipe.
    drain = threading.Thread(target=server.stderr.read, daemon=True)
    drain.start()
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    drain.join(timeout=30)
    server.stderr.close()


def get(url: str) -> dict:  # type: ignore[type-arg]
    with urlopen(url, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_serve_loads_the_chronology_and_answers_over_http(served: str) -> None:
    status = get(f"{served}/agreements/kr-jp-gsomia/status?on=2019-11-22")
    ready = get(f"{served}/readyz")

    assert status["phase"] == "in_force"
    assert status["termination"]["state"] == "suspended"
    assert ready["status"] == "ready"
