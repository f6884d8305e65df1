"""Strong ETags that change exactly when an answer could, and Cache-Control to match."""

from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.http.caching import AnswerCache, CachedAnswer
from tests.service.client import event, post

READS = [
    "/agreements/test-pact/status?on=2019-09-01",
    "/agreements/test-pact/status",
    "/agreements/test-pact/timeline?from=2016-01-01&to=2020-01-01",
    "/agreements/test-pact/events",
    "/agreements/test-pact/history?on=2019-09-01",
]


@pytest.mark.parametrize("path", READS)
def test_an_unchanged_stream_answers_304_then_200_right_after_an_append(
    client: FlaskClient, pact: str, path: str
) -> None:
    first = client.get(path)
    tag = first.headers["ETag"]

    unchanged = client.get(path, headers={"If-None-Match": tag})
    post(client, f"{pact}/events", {"events": [event("termination_notified", "2019-08-01", notified_by="A")]})
    changed = client.get(path, headers={"If-None-Match": tag})

    assert tag.startswith('"') and not tag.startswith("W/")
    assert (unchanged.status_code, unchanged.get_data(), unchanged.headers["ETag"]) == (304, b"", tag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag


def test_a_weak_or_listed_validator_matches_too(client: FlaskClient, pact: str) -> None:
    tag = client.get(READS[0]).headers["ETag"]

    assert client.get(READS[0], headers={"If-None-Match": f"W/{tag}"}).status_code == 304
    assert client.get(READS[0], headers={"If-None-Match": f'"other", {tag}'}).status_code == 304
    assert client.get(READS[0], headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_same_question_asked_differently_has_a_different_tag(client: FlaskClient, pact: str) -> None:
    tags = {client.get(f"{pact}/status?on={day}").headers["ETag"] for day in ("2019-01-01", "2019-01-02")}
    tags.add(client.get(f"{pact}/status?on=2019-01-01&known_at=2020-01-01T00:00:00Z").headers["ETag"])

    assert len(tags) == 3


def test_answers_about_a_settled_past_may_be_kept_for_good(client: FlaskClient, pact: str) -> None:
    past = client.get(f"{pact}/status?on=2019-09-01&known_at=2020-01-01T00:00:00Z")
    current = client.get(f"{pact}/status?on=2019-09-01")
    future = client.get(f"{pact}/status?on=2019-09-01&known_at=2999-01-01T00:00:00Z")

    assert past.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert current.headers["Cache-Control"] == "no-cache"
    assert future.headers["Cache-Control"] == "no-cache"


def test_a_304_carries_the_validators(client: FlaskClient, pact: str) -> None:
    first = client.get(READS[0])

    again = client.get(READS[0], headers={"If-None-Match": first.headers["ETag"]})

    assert again.headers["Cache-Control"] == "no-cache"
    assert again.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("path", READS)
def test_answers_kept_in_memory_are_the_answers_built_afresh(
    app: Flask, client: FlaskClient, pact: str, path: str
) -> None:
    first = client.get(path)
    again = client.get(path)
    app.extensions["pact"] = replace(app.extensions["pact"], answers=AnswerCache(max_bytes=0))  # none kept
    afresh = client.get(path)
    post(client, f"{pact}/events", {"events": [event("termination_notified", "2019-08-01", notified_by="A")]})
    after = client.get(path)

    assert first.get_data() == again.get_data() == afresh.get_data()
    assert first.headers["ETag"] == again.headers["ETag"] == afresh.headers["ETag"] != after.headers["ETag"]


def test_the_answer_cache_keeps_at_most_its_size_least_recently_used_out_first() -> None:
    answers = AnswerCache(max_bytes=10)
    answers.put('"a"', CachedAnswer(b"12345"))
    answers.put('"b"', CachedAnswer(b"12", next_page="34"))
    assert answers.get('"a"') == CachedAnswer(b"12345")  # now "b" is the least recently used
    answers.put('"c"', CachedAnswer(b"123"))
    answers.put('"d"', CachedAnswer(b"x" * 11))  # larger than the whole cache: not kept

    kept = [answers.get(tag) for tag in ('"a"', '"b"', '"c"', '"d"')]
    assert kept == [CachedAnswer(b"12345"), None, CachedAnswer(b"123"), None]
