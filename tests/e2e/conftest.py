"""The real command a user runs: `pact-chronology serve`, gunicorn and all, over a socket."""

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.conftest import service_password


@dataclass
class Server:
    """A running `pact-chronology serve` and everything it has logged (errors and access)."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    logged: threading.Condition = field(default_factory=threading.Condition)

    def read_log(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.logged:
                self.lines.append(line)
                self.logged.notify_all()

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        with self.logged:
            found = self.logged.wait_for(lambda: any(text in line for line in self.lines), timeout)
        assert found, f"the server did not log {text!r}"


Serve = Callable[..., Server]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def serve(database_url: str, server_url: str) -> Iterator[Serve]:
    """Start `pact-chronology serve` on a free port with extra arguments and environment.
    Every server started is stopped (SIGTERM) after the test and must exit cleanly, having
    logged no error. It keeps the service role's password, which every test on the server
    (and in compose, the running API) logs in with."""
    started: list[tuple[Server, threading.Thread]] = []

    def start(*args: str, **env: str) -> Server:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args],
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "PACT_SERVICE_PASSWORD": service_password(server_url),
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        # Once gunicorn says it listens, connections queue on its socket: no polling needed.
        for line in process.stdout:
            if "Listening at" in line:
                break
        else:
            pytest.fail(f"the server exited with {process.wait()} before listening")
        server = Server(f"http://127.0.0.1:{port}", process)
        # Keep reading its log, so a chatty server never blocks on a full pipe.
        reader = threading.Thread(target=server.read_log, daemon=True)
        reader.start()
        started.append((server, reader))
        return server

    yield start
    for server, reader in started:
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=60) == 0
        reader.join(timeout=30)
        assert server.process.stdout is not None
        server.process.stdout.close()
        # Whatever a test did to it, the server never failed in a way it had to log.
        errors = [line for line in server.lines if "Traceback" in line or '"level": "error"' in line]
        assert errors == [], "".join(server.lines)


@pytest.fixture
def served(serve: Serve) -> str:
    return serve("--workers", "1").url
