"""Strong ETags that change exactly when an answer could, and Cache-Control to match."""

from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.http.caching import BodyCache, CachedBody
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
    app.extensions["pact"] = replace(app.extensions["pact"], bodies=BodyCache(max_bytes=0))  # none kept
    afresh = client.get(path)
    post(client, f"{pact}/events", {"events": [event("termination_notified", "2019-08-01", notified_by="A")]})
    after = client.get(path)

    assert first.get_data() == again.get_data() == afresh.get_data()
    assert first.headers["ETag"] == again.headers["ETag"] == afresh.headers["ETag"] != after.headers["ETag"]


def test_the_answer_cache_keeps_at_most_its_size_least_recently_used_out_first() -> None:
    answers = BodyCache(max_bytes=10)
    answers.put('"a"', CachedBody(b"12345"))
    answers.put('"b"', CachedBody(b"12", next_page="34"))
    assert answers.get('"a"') == CachedBody(b"12345")  # now "b" is the least recently used
    answers.put('"c"', CachedBody(b"123"))
    answers.put('"d"', CachedBody(b"x" * 11))  # larger than the whole cache: not kept

    kept = [answers.get(tag) for tag in ('"a"', '"b"', '"c"', '"d"')]
    assert kept == [CachedBody(b"12345"), None, CachedBody(b"123"), None]


def test_an_answer_about_now_names_its_permalink_which_answers_the_same(client: FlaskClient, pact: str) -> None:
    now = client.get(f"{pact}/status?on=2019-09-01")
    known_at = now.get_json()["known_at"]
    canonical = now.headers["Content-Location"]
    again = client.get(canonical)

    assert canonical == f"{pact}/status?" + urlencode({"on": "2019-09-01", "known_at": known_at})
    assert f'<{canonical}>; rel="canonical"' in now.headers["Link"]
    assert again.get_json() == now.get_json() and "Content-Location" not in again.headers


def test_a_permalink_pins_the_days_left_to_a_default(client: FlaskClient, pact: str) -> None:
    status = client.get(f"{pact}/status")
    timeline = client.get(f"{pact}/timeline?from=2016-01-01")

    assert parse_qs(urlsplit(status.headers["Content-Location"]).query)["on"] == [status.get_json()["on"]]
    pinned = parse_qs(urlsplit(timeline.headers["Content-Location"]).query)
    assert pinned["from"] == ["2016-01-01"] and pinned["to"] == [timeline.get_json()["to"]]
    assert client.get(timeline.headers["Content-Location"]).get_json() == timeline.get_json()


def test_a_paged_answer_links_its_next_page_and_its_permalink(client: FlaskClient, pact: str) -> None:
    page = client.get(f"{pact}/events?limit=1&wait=0")

    links = page.headers["Link"]
    assert 'rel="next"' in links and 'rel="canonical"' in links
    assert "wait" not in page.headers["Content-Location"]
    assert client.get(page.headers["Content-Location"]).get_json()["events"] == page.get_json()["events"]


def test_a_permalink_keeps_answering_what_was_known_after_an_append(client: FlaskClient, pact: str) -> None:
    before = client.get(f"{pact}/events")
    assert post(client, f"{pact}/events", {"events": [event("context_noted", "2019-01-01")]}).status_code == 201

    assert client.get(before.headers["Content-Location"]).get_json() == before.get_json()
    assert len(client.get(f"{pact}/events").get_json()["events"]) == len(before.get_json()["events"]) + 1


def test_a_day_left_to_its_default_is_never_kept_for_good_though_known_at_is_settled(
    client: FlaskClient, pact: str
) -> None:
    defaulted = client.get(f"{pact}/status?known_at=2020-01-01T00:00:00Z")
    day = defaulted.get_json()["on"]
    pinned = client.get(f"{pact}/status?on={day}&known_at=2020-01-01T00:00:00Z")

    assert defaulted.headers["Cache-Control"] == "no-cache"
    assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pinned.get_data() == defaulted.get_data()


@pytest.mark.parametrize(
    "path",
    ["/agreements/test-pact/status?known_at=2020-01-01T00:00:00Z", "/agreements/test-pact/timeline?from=2016-01-01",
     "/agreements/test-pact/history", "/agreements/test-pact/parties", "/relations?between=a,b",
     "/parties/a/agreements", "/deadlines"],
)  # fmt: skip
def test_the_day_a_default_took_is_named_by_the_etag(
    service_url: str, client: FlaskClient, pact: str, path: str
) -> None:
    answers = {}
    for today in ("2019-09-01", "2019-09-02", "2019-09-01"):
        app = create_app({"DATABASE_URL": service_url, "TODAY": today})
        try:
            response = app.test_client().get(path)
        finally:
            app.extensions["pact"].close()
        assert response.status_code == 200, response.get_json()
        answers.setdefault(response.headers["ETag"], set()).add(response.get_data())

    assert len(answers) == 2 and all(len(bodies) == 1 for bodies in answers.values())
