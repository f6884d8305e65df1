"""Every event type in the document: its payload as a schema of its own, and every schema
that carries an event -- what an append sends, and what events pages, the feed and the
events an answer rests on return -- as a ``oneOf`` over the types it may carry, told apart
by ``type`` (an OpenAPI discriminator whose mapping names every type).

The payload schemas are the very marshmallow schemas that validate appends
(events/codec/payloads.py, ``PAYLOAD_SCHEMAS``), converted by apispec like every other schema, so
the document cannot say other than the server: a new type, field or version lands here
with nothing written twice.
"""

from collections.abc import Iterable
from typing import Any

from apispec import APISpec

from events import PAYLOAD_SCHEMAS, READINGS
from service.http.inbound import APPENDABLE_TYPES

REF = "#/components/schemas/"
# Each schema that carries one event, by its component's name, and the types it may carry:
# an append carries any type but the registration (POST /agreements makes that one).
CARRIERS: dict[str, Iterable[str]] = {
    "EventIn": APPENDABLE_TYPES,
    "EventOut": sorted(PAYLOAD_SCHEMAS),
    "FeedEntry": sorted(PAYLOAD_SCHEMAS),
    "ProvenanceOut": sorted(PAYLOAD_SCHEMAS),
}


def pascal(event_type: str) -> str:
    """``termination_notified`` as ``TerminationNotified``: how a type names its schemas."""
    return "".join(word.capitalize() for word in event_type.split("_"))


def payload_name(event_type: str) -> str:
    return f"{pascal(event_type)}Payload"


def register_payloads(spec: APISpec) -> None:
    """One component per event type, from the schema that validates that type's payload.
    Types that share a schema class (many carry only the common fields) each get a
    subclass of their own, so that each has its own name in the document."""
    for event_type, schema in sorted(PAYLOAD_SCHEMAS.items()):
        named = type(payload_name(event_type), (type(schema),), {"__doc__": type(schema).__doc__})
        spec.components.schema(payload_name(event_type), schema=named)


def state_cross_field_rules(schemas: dict[str, Any]) -> None:
    """The payload rules across fields that JSON Schema can state, so a generated client or
    a gateway refuses what the server would: a correction corrects something
    (EventCorrectedSchema.corrects_something), and a reading is one the fact allows
    (ReadingHeldSchema.a_reading_of_the_fact, from the same table, events/record/types.py)."""
    corrected = ("corrected_occurred_on", "corrected_payload", "corrected_sources")
    schemas[payload_name("event_corrected")]["anyOf"] = [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in corrected
    ]
    schemas[payload_name("reading_held")]["allOf"] = [
        {"if": {"properties": {"fact": {"const": fact}}}, "then": {"properties": {"reading": {"enum": list(readings)}}}}
        for fact, readings in sorted(READINGS.items())
    ]


def discriminate(schemas: dict[str, Any]) -> None:
    """Each carrier becomes a ``oneOf`` of one branch per type: the carrier's own schema
    with ``type`` fixed and the payload of that type. A branch is the whole object, not an
    ``allOf`` of the common part, which client generators turn into one model per branch
    and field, clashing. A branch whose payload has fields it must have requires the
    payload, as the server does."""
    for carrier, types in CARRIERS.items():
        common = schemas.pop(carrier)
        branches = {event_type: f"{pascal(event_type)}{carrier}" for event_type in types}
        for event_type, branch in branches.items():
            fixed = {
                "type": {"type": "string", "const": event_type},
                "payload": {"$ref": REF + payload_name(event_type)},
            }
            schemas[branch] = {**common, "properties": {**common["properties"], **fixed}}
            required = common.get("required", [])
            if schemas[payload_name(event_type)].get("required") and "payload" not in required:
                schemas[branch]["required"] = [*required, "payload"]
        schemas[carrier] = {
            "oneOf": [{"$ref": REF + branch} for branch in branches.values()],
            "discriminator": {"propertyName": "type", "mapping": {t: REF + b for t, b in branches.items()}},
        }


def name_the_streamed_entry(schemas: dict[str, Any]) -> None:
    """A live stream's event carries a feed entry as JSON text: say which schema it has."""
    schemas["StreamEvent"]["properties"]["data"] |= {
        "contentMediaType": "application/json",
        "contentSchema": {"$ref": REF + "FeedEntry"},
    }
