"""Schemathesis against the running service, with every check it has: every operation of
/openapi.json, with generated parameters, headers and bodies, valid and invalid, must
answer without a server error, with a documented status, content type, headers and body;
accept what the document calls valid and refuse what it calls invalid.

What the document calls valid and the service still refuses is only what JSON Schema
cannot say -- refusals across fields, or against the stored state or the calendar -- each
stated in the document's descriptions and listed here with its reason."""

import re

import psycopg
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import RejectedPositiveData, positive_data_acceptance

from service.storage import tokens
from tests.e2e.conftest import Serve

# Examples per operation and mode: enough to reach each parameter's branches, few enough
# that the suite stays quick. Derandomized, so CI runs the same cases every time; run
# `schemathesis run` (README) to explore further.
EXAMPLES = 25

# Refusals of schema-valid requests that the document describes but cannot express, by
# the problem's type and what its detail says.
DOCUMENTED_REFUSALS = {
    "rule-violation": "the agreement's state forbids the event (its rules, stated per type in the README)",
    "agreement-not-found": "no agreement has that id",
    "version-conflict": "the stream is not at the expected version",
    "precondition-failed": "the stream is not at the If-Match version",
    "event-id-conflict": "an event id is taken by another event",
    "invalid-if-match": "If-Match and expected_version name different versions (described under expected_version)",
    "invalid-query: is after 'to'": "`from` after `to`, or after the default `to` of today (described under `to`)",
    "invalid-query: must not be before 'from'": "`to` before `from` (described under `to`)",
    "invalid-query: is before 'from'": "`to` before `from` (described under `to`)",
    "invalid-query: at most ten years": "/deadlines spans at most ten years (described under `to`)",
    "invalid-query: at most 300 years after 'from'": "a dyads window spans at most 300 years (described under `to`)",
    "invalid-query: at most 100 years from today": "a table reaches at most a century ahead (described under `to`)",
    "invalid-query: names a party twice": "/relations asks of distinct parties (described under `between`)",
    "invalid-query: is not a party to the agreement": "a perspective is a party's (described under `perspective`)",
    "invalid-body: is in the future": "a development is not dated after today (described under occurred_on)",
    "invalid-body: /payload": "payload fields depend on the event's type (described under payload)",
    "invalid-body: parties must be distinct": "parties' ids and names are distinct (described under parties)",
    # Schemathesis generates a header parameter's value without the pattern its schema states.
    "invalid-query: Consistency-Token: not a consistency token": "a header that is not a token (described under it)",
    "invalid-query: Last-Event-ID: not a feed cursor": "a header that is not a cursor (described under it)",
    "invalid-body: must not be another party's id": "a name is no other party's id (described under parties)",
}


def is_documented_refusal(body: object) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return False
    kind = body["type"].removeprefix("/problems/")
    said = f"{body.get('detail', '')} {' '.join(str(error) for error in body.get('errors', []))}"
    return any(
        kind == refusal.split(":")[0] and (":" not in refusal or refusal.split(": ", 1)[1] in said)
        for refusal in DOCUMENTED_REFUSALS
    )


@schemathesis.check
def positive_data_accepted_but_documented_refusals(ctx, response, case):  # type: ignore[no-untyped-def]
    """positive_data_acceptance, except for the refusals listed above."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if is_documented_refusal(response.json() if "json" in response.headers.get("content-type", [""])[0] else None):
            return None
        raise


load_all_checks()
CHECKS_RUN = [check for check in CHECKS.get_all() if check is not positive_data_acceptance]


def test_documented_refusals_are_told_apart() -> None:
    assert is_documented_refusal({"type": "/problems/invalid-query", "detail": "to: at most ten years after 'from'"})
    assert not is_documented_refusal({"type": "/problems/invalid-query", "detail": "after: not a feed cursor"})
    assert not re.search("positive_data_acceptance", " ".join(check.__name__ for check in CHECKS_RUN))


def test_every_operation_keeps_its_contract(serve: Serve, database_url: str) -> None:
    # Live streams end after a second, so a generated GET /events/stream returns promptly.
    # Schemathesis stops reading a stream after a few events and opens the next at once, so
    # abandoned streams can overlap for the second it takes the server to notice: enough
    # slots that the per-worker cap (its 503 has a test of its own) is not what is tested.
    # Long-polls likewise end after a second, whatever wait was generated.
    server = serve(
        "--workers", "1",
        PACT_STREAM_SECONDS="1", PACT_STREAM_HEARTBEAT_SECONDS="0.5", PACT_MAX_STREAMS="64", PACT_MAX_WAIT_SECONDS="1",
    )  # fmt: skip
    with psycopg.connect(database_url, autocommit=True) as owner:
        credentials = {"Authorization": f"Bearer {tokens.create(owner, 'schemathesis')}"}
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    # Invalid input grown past the server's bounds is refused before it is read: 414 and 431
    # are refusals too (documented on every operation), not invalid data accepted.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "414", "431"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13

    for operation in operations:
        # An operation with nothing to send has no invalid input to generate.
        takes_input = bool(list(operation.iter_parameters())) or bool(operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,):

            @given(case=operation.as_strategy(mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                derandomize=True,
            )
            def keeps_contract(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=credentials, checks=CHECKS_RUN)

            keeps_contract()
