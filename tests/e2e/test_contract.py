"""Schemathesis against the running service: every operation of /openapi.json, with
generated parameters, headers and bodies, valid and invalid, must answer without a server
error and with a documented status, content type, headers and body."""

import psycopg
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import tokens
from tests.e2e.conftest import Serve

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and mode: enough to reach each parameter's branches, few enough
# that the suite stays quick. Derandomized, so CI runs the same cases every time; run
# `schemathesis run` (README) to explore further.
EXAMPLES = 25


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
                case.call_and_validate(headers=credentials, checks=CHECKS)

            keeps_contract()
