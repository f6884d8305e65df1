"""How a payload names a party: ``{"id": "KOR", "name": "Republic of Korea"}``, or a bare
name as registrations did before parties had ids -- and how the OpenAPI document states it."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from events.fields import STORABLE_TEXT_PATTERNS, Matching
from events.parties import DERIVABLE_NAME_PATTERN, PARTY_ID_PATTERN, Party, UnnamedParty, party_named

NAME = validate.Length(min=1, max=200)


def _name_schema(*patterns: str) -> dict[str, Any]:
    """A party's name as the OpenAPI document states it: storable text matching ``patterns``."""
    anchored = [{"pattern": f"^{pattern}$"} for pattern in (*patterns, *STORABLE_TEXT_PATTERNS)]
    return {"type": "string", "minLength": 1, "maxLength": 200, "allOf": anchored}


class _PartySchema(Schema):
    id = Matching(PARTY_ID_PATTERN, "not a party id", required=True)
    name = fields.String(required=True, validate=NAME)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Party:
        return Party(**data)


PARTY = _PartySchema()


class PartyField(fields.Field):
    """A party as ``{"id": "KOR", "name": "Republic of Korea"}``, or -- as registrations
    named parties before they had ids -- as a bare name, whose id events/parties.py derives."""

    def __init__(self, **kwargs: Any) -> None:
        described = {
            "oneOf": [
                {"type": "object", "required": ["id", "name"], "additionalProperties": False, "properties": {
                    "id": {"type": "string", "pattern": f"^({PARTY_ID_PATTERN})$"},
                    "name": _name_schema(),
                }},
                {**_name_schema(DERIVABLE_NAME_PATTERN), "deprecated": True},
            ],
            "description": "a party: its id (an ISO 3166-1 alpha-3 code for a state, a short lower-case id"
            " for an organisation) and its name; a bare name is the form from before parties had ids",
        }  # fmt: skip
        super().__init__(metadata=described, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Party:
        if isinstance(value, str):
            NAME(value)
            try:
                return party_named(value)
            except UnnamedParty as error:
                raise ValidationError(str(error)) from None
        if not isinstance(value, dict):
            raise ValidationError("a party is an object with its id and name, or a name")
        party: Party = PARTY.load(value)
        return party

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> dict[str, str]:
        return {"id": value.id, "name": value.name}
