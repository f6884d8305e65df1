"""Every event type's payload in the OpenAPI document, and every schema that carries an
event as a oneOf discriminated by type: made from the schemas that validate appends, and
agreeing with them on what they accept and what they refuse."""

from typing import Any
from uuid import uuid4

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from marshmallow import ValidationError

from events.codec.payloads import PAYLOAD_SCHEMAS
from events.record.types import EVENT_TYPES
from service.api.openapi.events import CARRIERS, payload_name
from service.cli.seeding import seed
from service.http.inbound import APPENDABLE_TYPES, EventIn
from service.storage.store import EventStore

PARTY = {"party": "A"}
# A payload each type's validator accepts: the common fields, and each type's own.
ACCEPTED: dict[str, dict[str, Any]] = {
    "agreement_registered": {"title": "A pact", "parties": ["A", {"id": "b", "name": "B"}], "terms": None},
    "talks_round_held": {"round": 2, "place": "Seoul"},
    "domestically_approved": PARTY,
    "party_signed": PARTY,
    "entered_into_force_for": PARTY,
    "provisional_application_began": PARTY,
    "withdrawal_took_effect": PARTY,
    "consent_expressed": {"party": "A", "means": "ratification"},
    "entered_into_force": {"signature_unrecorded": True},
    "termination_notified": {"notified_by": "A"},
    "termination_notice_suspended": {"suspended_by": "A", "conditional": True, "condition": "a review"},
    "termination_notice_reactivated": {"reactivated_by": "A", "effective_on": "2020-01-01"},
    "termination_notice_withdrawn": {"withdrawn_by": "A"},
    "reading_held": {"held_by": "A", "fact": "renewal", "reading": "renews", "concerns": str(uuid4())},
    "event_corrected": {"corrects": str(uuid4()), "reason": "a typo", "corrected_occurred_on": "2020-01-02"},
    "event_retracted": {"retracts": str(uuid4()), "reason": "never happened"},
}
# What some validators refuse beyond an unknown field or a wrong type: a missing field, a
# rule across fields.
REFUSED: dict[str, list[dict[str, Any]]] = {
    "agreement_registered": [{"title": "A pact", "parties": ["A"]}, {"parties": ["A", "B"]}],
    "consent_expressed": [{"party": "A", "means": "a handshake"}],
    "termination_notified": [{}],
    "termination_notice_reactivated": [{"reactivated_by": "A", "effective_on": "1 Jan 2020"}],
    "reading_held": [{**ACCEPTED["reading_held"], "reading": "maybe"}],
    "event_corrected": [{"corrects": str(uuid4()), "reason": "nothing given"}],
    "event_retracted": [{"retracts": "not a uuid", "reason": "r"}],
}


def accepted(event_type: str) -> dict[str, Any]:
    return ACCEPTED.get(event_type, {"summary": "something happened", "actors": ["Someone"]})


def refused(event_type: str) -> list[dict[str, Any]]:
    """Payloads the type's validator refuses: an unknown field, a wrong type, and the type's own."""
    good = accepted(event_type)
    return [{**good, "unknown": 1}, {**good, "summary": 3}, *REFUSED.get(event_type, [])]


def validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator of the document's schema ``name``, formats (uuid, date) checked, as ajv does with formats."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def the_server_accepts(event_type: str, payload: dict[str, Any]) -> bool:
    try:
        PAYLOAD_SCHEMAS[event_type].load(payload)
    except ValidationError:
        return False
    return True


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from service.api.openapi import build
    from service.app import create_app

    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "TESTING": True})
    try:
        return build(app)
    finally:
        app.extensions["pact"].close()


def test_every_type_has_its_payload_and_a_branch_in_every_schema_that_carries_an_event(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]

    assert {payload_name(event_type) for event_type in EVENT_TYPES} <= set(schemas)
    for carrier, types in CARRIERS.items():
        mapping = schemas[carrier]["discriminator"]["mapping"]
        assert schemas[carrier]["discriminator"]["propertyName"] == "type"
        assert set(mapping) == set(types) == (set(APPENDABLE_TYPES) if carrier == "EventIn" else set(EVENT_TYPES))
        assert [branch["$ref"] for branch in schemas[carrier]["oneOf"]] == list(mapping.values())
        for event_type, branch in mapping.items():
            named = schemas[branch.rsplit("/", 1)[1]]["properties"]
            assert named["payload"] == {"$ref": f"#/components/schemas/{payload_name(event_type)}"}


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_document_accepts_the_payloads_the_server_accepts_and_refuses_the_others(
    document: dict[str, Any], event_type: str
) -> None:
    payload = validator(document, payload_name(event_type))

    assert the_server_accepts(event_type, accepted(event_type))
    assert payload.is_valid(accepted(event_type))
    for bad in refused(event_type):
        assert not the_server_accepts(event_type, bad), bad
        assert not payload.is_valid(bad), bad


@pytest.mark.parametrize("event_type", APPENDABLE_TYPES)
def test_an_appended_event_validates_against_its_types_branch_only(document: dict[str, Any], event_type: str) -> None:
    event = {"type": event_type, "occurred_on": "2020-01-01", "sources": [{"publisher": "P"}]}
    good, bad = {**event, "payload": accepted(event_type)}, {**event, "payload": refused(event_type)[0]}

    assert EventIn().validate(good) == {} and validator(document, "EventIn").is_valid(good)
    assert EventIn().validate(bad) != {} and not validator(document, "EventIn").is_valid(bad)


def test_events_as_answered_validate_against_the_document(
    document: dict[str, Any], anonymous: FlaskClient, store: EventStore
) -> None:
    seed(store)
    page = anonymous.get("/agreements/kr-jp-gsomia/events?limit=1000").get_json()
    feed = anonymous.get("/events?limit=1000").get_json()
    status = anonymous.get("/agreements/kr-jp-gsomia/status?on=2019-11-22").get_json()

    assert {event["type"] for event in page["events"]} >= {"agreement_registered", "reading_held", "event_corrected"}
    for name, answer in (("EventsPage", page), ("FeedPage", feed), ("StatusAnswer", status)):
        errors = list(validator(document, name).iter_errors(answer))
        assert errors == [], (name, [error.message[:300] for error in errors[:3]])
