"""Reading requests: query strings, JSON bodies, preconditions, and what "today" means."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import UnsupportedMediaType

from service.problems import BadPrecondition, InvalidBody, InvalidQuery, MalformedJson


def today(zone: str) -> date:
    """Today where the agreement lives: GSOMIA's days are Seoul days."""
    return datetime.now(ZoneInfo(zone)).date()


def query(schema: Schema) -> dict[str, Any]:
    try:
        return schema.load(request.args.to_dict(flat=True))
    except ValidationError as error:
        raise InvalidQuery(error) from None


def body(schema: Schema) -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send the request body as application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJson("the request body is not valid JSON")
    if not isinstance(data, dict):
        raise InvalidBody({"_schema": ["the request body must be a JSON object"]})
    try:
        return schema.load(data)
    except ValidationError as error:
        raise InvalidBody(error.messages) from None


def if_match_version() -> int | None:
    """The version named by If-Match ("3"); weak tags and lists are refused."""
    if request.headers.get("If-Match") is None:
        return None
    tags = request.if_match
    if tags.star_tag or len(tags.as_set()) != 1 or tags.as_set(include_weak=True) != tags.as_set():
        raise BadPrecondition('If-Match must be one strong entity tag naming a version, like "3"')
    (tag,) = tags.as_set()
    if not tag.isdigit():
        raise BadPrecondition(f'If-Match tag "{tag}" is not a version number')
    return int(tag)


def metadata(given: dict[str, Any], writer: str) -> dict[str, Any]:
    """The client's metadata, the correlation id from the request when the client gave
    none, and who wrote it -- the token's name, which no client can set."""
    correlation = request.headers.get("X-Request-ID") or request.headers.get("X-Correlation-ID")
    defaults = {"correlation_id": correlation} if correlation else {}
    return {**defaults, **given, "recorded_by": writer}
