"""Retries and races: a retried append always gets its original answer, and writers that
name no expected version never see a conflict, however many write at once."""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.service.client import PACT, event

ROUNDS, WRITERS = 12, 8


def at_once(count: int, request: Callable[[int], TestResponse]) -> list[TestResponse]:
    """Run ``request`` from ``count`` threads released together."""
    barrier = threading.Barrier(count)
    responses: list[TestResponse] = [None] * count  # type: ignore[list-item]

    def run(index: int) -> None:
        barrier.wait()
        responses[index] = request(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def writer(app: Flask, token: str) -> Callable[..., TestResponse]:
    def post(path: str, body: Any, **headers: str) -> TestResponse:
        client = app.test_client()  # one per thread
        return client.post(path, json=body, headers={"Authorization": f"Bearer {token}", **headers})

    return post


@pytest.mark.parametrize("precondition", ["body", "If-Match"])
def test_identical_appends_sent_at_once_all_get_the_stored_answer(
    app: Flask, token: str, pact: str, precondition: str
) -> None:
    post = writer(app, token)
    for version in range(3, 3 + ROUNDS):
        note = {**event("context_noted", "2019-01-01"), "id": str(uuid4())}
        body = {"events": [note], **({"expected_version": version} if precondition == "body" else {})}
        headers = {"If-Match": f'"{version}"'} if precondition == "If-Match" else {}

        responses = at_once(WRITERS, lambda _, body=body, headers=headers: post(f"{pact}/events", body, **headers))

        statuses = Counter(response.status_code for response in responses)
        assert statuses == {201: 1, 200: WRITERS - 1}, [r.get_json() for r in responses]
        assert {response.get_json()["version"] for response in responses} == {version + 1}


def test_writers_without_an_expected_version_never_conflict(app: Flask, token: str, pact: str) -> None:
    post = writer(app, token)

    def append_three(index: int) -> TestResponse:
        for _ in range(3):
            response = post(f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]})
            if response.status_code != 201:
                return response
        return response

    responses = at_once(WRITERS, append_three)

    assert [response.status_code for response in responses] == [201] * WRITERS
    versions = [e["version"] for e in app.test_client().get(f"{pact}/events").get_json()["events"]]
    assert versions == list(range(1, 4 + 3 * WRITERS))


def test_a_registration_sent_again_is_replayed(app: Flask, token: str) -> None:
    post = writer(app, token)
    registration = {**PACT, "event_id": str(uuid4())}

    responses = at_once(WRITERS, lambda _: post("/agreements", registration))
    again = post("/agreements", registration)

    assert Counter(response.status_code for response in responses) == {201: 1, 200: WRITERS - 1}
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert again.get_json()["version"] == 1
