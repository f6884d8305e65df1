"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

Serve = Callable[..., str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def serve(database_url: str) -> Iterator[Serve]:
    """Start `pact-chronology serve` on a free port with extra environment; returns its base URL.
    Every server started is stopped (SIGTERM) after the test and must exit cleanly, having
    logged no error."""
    started: list[tuple[subprocess.Popen[str], threading.Thread, list[str]]] = []

    def start(*args: str, **env: str) -> str:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args],
            env={**os.environ, "DATABASE_URL": database_url, **env},
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
        log: list[str] = []
        drain = threading.Thread(target=lambda: log.extend(server.stderr), daemon=True)  # type: ignore[arg-type]
        drain.start()
        started.append((server, drain, log))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, drain, log in started:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        drain.join(timeout=30)
        assert server.stderr is not None
        server.stderr.close()
        # Whatever a test did to it, the server never failed in a way it had to log.
        assert [line for line in log if "Traceback" in line or "[ERROR]" in line] == [], "".join(log)


@pytest.fixture
def served(serve: Serve) -> str:
    return serve("--workers", "1")
