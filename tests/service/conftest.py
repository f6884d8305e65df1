import pytest
from flask.testing import FlaskClient

from tests.service.client import PACT, event, post


@pytest.fixture
def pact(client: FlaskClient) -> str:
    assert post(client, "/agreements", PACT).status_code == 201
    signed = [event("signed", "2016-11-23"), event("entered_into_force", "2016-11-23")]
    assert post(client, "/agreements/test-pact/events", {"events": signed}).status_code == 201
    return "/agreements/test-pact"
