"""A small HTTP client for the example tests: the standard library, nothing else."""

import json
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


@dataclass(frozen=True)
class Service:
    """The running service: where it is, and a token to write with."""

    base_url: str
    token: str | None

    def get(self, path: str) -> Answer:
        return self._send(Request(self.base_url + path))

    def post(self, path: str, body: dict[str, Any]) -> Answer:
        assert self.token, "writes need a token: set PACT_TOKEN (see conftest.py)"
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        return self._send(Request(self.base_url + path, json.dumps(body).encode(), headers, method="POST"))

    @staticmethod
    def _send(request: Request) -> Answer:
        try:
            # Long enough for the longest long-poll (30 s) and then some.
            with urlopen(request, timeout=40) as response:
                return Answer(response.status, json.loads(response.read()))
        except HTTPError as error:
            return Answer(error.code, json.loads(error.read()))
