"""A strong ETag names one body, and every answer is the question asked (issue 25).

Random questions -- days from year 1 to 9999, ``known_at`` before any event, between
writes, about now and in the future, with every offset that exists, every perspective,
parties with and without agreements -- are asked of a server of two workers over real
sockets, each on a connection of its own so either worker may answer, while new agreements
are registered in between. Across the whole run no ETag may come with two bodies, every
answer must echo what it was asked, and an answer marked ``immutable`` must be the answer to
that URL for ever after.
"""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import Serve
from tests.e2e.test_read_your_writes import ask
from tests.service.client import SOURCE

AGREEMENTS = ["kr-jp-gsomia", "kr-us-jp-tisa", "jp-fra-information-protection", "jp-us-gsomia"]
PARTIES = ["KOR", "JPN", "USA", "FRA", "nato", "zz", "yy"]  # zz and yy: only in agreements registered here
IMMUTABLE = "public, max-age=31536000, immutable"
FUTURE = datetime(2999, 1, 1, tzinfo=UTC)

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
# Days the service answers about (1000 to 8999), to vary a question that was answered.
answered_days = st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 31))
offsets = st.sampled_from([timedelta(0), timedelta(hours=9), timedelta(hours=-5), timedelta(hours=5, minutes=45),
                           timedelta(hours=23, minutes=59), timedelta(hours=-23, minutes=-59)])  # fmt: skip


@dataclass
class Run:
    """What the run has seen: each ETag's body, each immutable URL's body, and instants
    between the writes made."""

    base: str
    writer: dict[str, str]
    bodies: dict[str, str] = field(default_factory=dict)
    kept: dict[str, bytes] = field(default_factory=dict)
    instants: list[datetime] = field(default_factory=lambda: [datetime(2000, 1, 1, tzinfo=UTC)])
    registered: int = 0


@dataclass(frozen=True)
class Question:
    """A question as drawn: what depends on the run so far (the agreements registered, the
    instants between writes) is drawn as an index into it, so the drawing never does."""

    route: str
    on: date | None
    instant: str  # "now", "past" (one of the run's instants) or "future"
    offset: timedelta
    pick: int  # which instant, agreement or party
    parties: tuple[str, ...]
    perspective: str | None


questions = st.builds(
    Question,
    route=st.sampled_from(["status", "parties", "relations", "party"]),
    on=st.none() | days,
    instant=st.sampled_from(["now", "past", "future"]),
    offset=offsets,
    pick=st.integers(0, 1000),
    parties=st.lists(st.sampled_from(PARTIES), min_size=2, max_size=3, unique=True).map(tuple),
    perspective=st.none() | st.sampled_from(["KOR", "JPN", "USA"]),
)


def asked(run: Run, question: Question) -> tuple[str, dict[str, str], dict[str, str]]:
    """The question's path, its query, and what the answer must echo (by the name it echoes it under)."""
    query: dict[str, str] = {}
    if question.on is not None:
        query["on"] = question.on.isoformat()
    if question.instant != "now":
        base = run.instants[question.pick % len(run.instants)] if question.instant == "past" else FUTURE
        query["known_at"] = base.astimezone(timezone(question.offset)).isoformat()
    echo = dict(query)
    if question.route == "relations":
        query["between"] = echo["between"] = ",".join(question.parties)
        return "/relations", query, echo
    if question.route == "party":
        party = PARTIES[question.pick % len(PARTIES)]
        echo["party"] = party
        return f"/parties/{party}/agreements", query, echo
    agreements = AGREEMENTS + [f"etag-{n}" for n in range(1, run.registered + 1)]
    agreement = echo["agreement_id"] = agreements[question.pick % len(agreements)]
    if question.route == "status":
        if question.perspective is not None:
            query["perspective"] = echo["perspective"] = question.perspective
        return f"/agreements/{agreement}/status", query, echo
    return f"/agreements/{agreement}/parties", query, echo


def check_echo(body: dict[str, Any], echo: dict[str, str]) -> None:
    for name, asked in echo.items():
        answered = body["party"]["id"] if name == "party" else body.get(name)
        if name == "known_at":
            # The same instant, with the offset it was asked in.
            assert answered is not None
            assert datetime.fromisoformat(answered) == datetime.fromisoformat(asked)
            assert datetime.fromisoformat(answered).utcoffset() == datetime.fromisoformat(asked).utcoffset()
        elif name == "between":
            assert answered == asked.split(","), (name, answered, asked)
        else:
            assert answered == asked, (name, answered, asked)


def ask_question(run: Run, path: str, query: dict[str, str], echo: dict[str, str]) -> None:
    url = f"{path}?{urlencode(query, quote_via=quote)}" if query else path
    status, headers, body = ask(run.base, "GET", url)
    if status != 200:
        # A day outside the service's range, a perspective of no party: a problem, never cached.
        assert status in (400, 404), (url, status, body)
        assert headers["Content-Type"] == "application/problem+json" and "ETag" not in headers
        return
    check_echo(body, echo)
    digest = hashlib.sha256(repr(sorted(body.items())).encode()).hexdigest()
    assert run.bodies.setdefault(headers["ETag"], digest) == digest, f"one ETag, two bodies: {url}"
    if headers["Cache-Control"] == IMMUTABLE:
        assert run.kept.setdefault(url, digest.encode()) == digest.encode(), f"an immutable answer changed: {url}"


def register(run: Run, parties: list[dict[str, str]], in_force: bool) -> None:
    """A new agreement between ``parties``; the instant after it is one to ask about later."""
    run.registered += 1
    agreement = f"etag-{run.registered}"
    registration = {"id": agreement, "title": f"Agreement {run.registered}", "parties": parties,
                    "terms": {"initial_term_months": 12, "renewal_term_months": 12, "notice_days": 90},
                    "occurred_on": "2015-01-01", "sources": [SOURCE]}  # fmt: skip
    status, _, body = ask(run.base, "POST", "/agreements", registration, **run.writer)
    assert status == 201, body
    if in_force:
        steps = [{"type": kind, "occurred_on": "2016-06-01", "sources": [SOURCE]}
                 for kind in ("signed", "entered_into_force")]  # fmt: skip
        assert ask(run.base, "POST", f"/agreements/{agreement}/events", {"events": steps}, **run.writer)[0] == 201
    _, _, status_body = ask(run.base, "GET", f"/agreements/{agreement}/status")
    run.instants.append(datetime.fromisoformat(status_body["known_at"]))


@pytest.fixture
def run(serve: Serve, token: str) -> Run:
    base = serve("--workers", "2").url
    seeded = ask(base, "GET", "/agreements/kr-jp-gsomia/status")[2]["known_at"]
    started = Run(base, {"Authorization": f"Bearer {token}"})
    started.instants.append(datetime.fromisoformat(seeded))
    return started


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_etag_names_one_body_and_every_answer_echoes_its_question(run: Run, data: st.DataObject) -> None:
    if data.draw(st.integers(0, 9), label="register now") == 0:
        parties = data.draw(st.lists(st.sampled_from(PARTIES), min_size=2, max_size=2, unique=True), label="parties")
        register(run, [{"id": party, "name": f"Party {party}"} for party in parties], data.draw(st.booleans()))
    question = data.draw(questions, label="question")
    # The question, then itself with one part changed: a part the ETag left out would give
    # two of them one tag.
    for variant in (
        question,
        replace(question, on=data.draw(st.none() | answered_days, label="another day")),
        replace(question, on=data.draw(answered_days, label="a third day")),
        replace(question, offset=data.draw(offsets, label="another offset")),
        replace(question, instant=data.draw(st.sampled_from(["now", "past", "future"]), label="another instant")),
        replace(question, pick=question.pick + 1),
        replace(question, perspective=data.draw(st.none() | st.sampled_from(["KOR", "JPN"]), label="another reader")),
    ):
        path, query, echo = asked(run, variant)
        for _ in range(2):  # on connections of their own: either worker may answer either
            ask_question(run, path, query, echo)
