"""The compose stack from outside, as an operator sees it: `make compose-test` starts it
(`docker compose up`) and runs these against it. They drive the stack with compose itself
(COMPOSE, default `docker compose`) and talk to the API over HTTP (PACT_BASE_URL, default
http://127.0.0.1:8000). They are not part of `make test`, which needs no container engine.
"""

import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    headers: dict[str, str]
    body: Any


class Stack:
    """The running stack: compose commands, container state, and HTTP to the API."""

    def __init__(self, compose: list[str], base_url: str) -> None:
        self.compose, self.base_url = compose, base_url

    def run(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([*self.compose, *args], capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{shlex.join(args)} failed:\n{done.stderr}"
        return done.stdout

    def container(self, service: str) -> dict[str, Any]:
        """`docker inspect` of the service's one container, running or exited."""
        (container_id,) = self.run("ps", "--all", "-q", service).split()
        inspected = subprocess.run(["docker", "inspect", container_id], capture_output=True, text=True, check=True)
        return json.loads(inspected.stdout)[0]  # type: ignore[no-any-return]

    def token(self, name: str) -> str:
        """A write token, made as the README says: with the CLI in the migrate image."""
        printed = self.run("run", "--rm", "-T", "migrate", "pact-chronology", "token", "create", "--name", name)
        return printed.split()[-1]

    def ask(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 10,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        headers = {**({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urlopen(request, timeout=timeout) as response:
                return _answer(response.status, response.headers, response.read())
        except HTTPError as error:
            return _answer(error.code, error.headers, error.read())


def _answer(status: int, headers: Any, raw: bytes) -> Answer:
    content_type = headers.get("Content-Type", "")
    body = json.loads(raw) if "json" in content_type and raw else raw.decode()
    return Answer(status, content_type, dict(headers.items()), body)


def instant(docker_time: str) -> datetime:
    """Docker's RFC 3339 times carry nanoseconds; Python reads microseconds."""
    head, _, fraction = docker_time.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(fraction or '0')[:6].ljust(6, '0')}+00:00")


@pytest.fixture(scope="session")
def stack() -> Stack:
    compose = shlex.split(os.environ.get("COMPOSE", "docker compose"))
    return Stack(compose, os.environ.get("PACT_BASE_URL", "http://127.0.0.1:8000").rstrip("/"))
