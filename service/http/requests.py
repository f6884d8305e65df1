"""Reading requests: query strings, JSON bodies, preconditions, consistency tokens and
request ids.

Parsing is strict and bounded, because whatever gets past it reaches PostgreSQL or the
replay: a body is read up to the size limit (chunked ones too), nested at most
MAX_DEPTH deep, and no string in it -- key or value -- may hold a NUL or a lone
surrogate, which PostgreSQL cannot store. A query parameter may appear once.

Every route's query string is read before its view runs, by the schema its promise names
(``keep_promised_parameters`` in service/http/promises.py): the question as read is what
the view answers and what its ETag names (service/http/caching.py).

Request ids: every response carries one in X-Request-ID -- the client's when it sent a
usable one (1 to 200 printable ASCII characters, as tracing systems send), else one made
up here -- and the access log and any appended event's correlation id carry the same.
"""

import json
import re
from typing import Any
from uuid import uuid4

from flask import Flask, Response, current_app, g, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from service.http.problems import BadPrecondition, InvalidBody, InvalidQuery, MalformedJson
from service.storage.results import ConsistencyToken

# Deep enough for any event (a correction's payload nests a few levels), shallow enough
# that walking a body can never exhaust the stack.
MAX_DEPTH = 32
# A stream has fewer than 2^31 versions (the column is an integer).
IF_MATCH = re.compile(r'^"([0-9]{1,10})"$')
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # what STORABLE_TEXT_PATTERNS leave out


def question() -> dict[str, Any]:
    """This request's query string as its route's schema read it, defaults included."""
    found: dict[str, Any] = g.question
    return found


def read_question(schema: Schema) -> None:
    """Read this request's query string by ``schema``, as ``question`` then gives it: each
    parameter once, none the schema does not know (else InvalidQuery, a 400)."""
    g.question = _query(schema)


def _query(schema: Schema) -> dict[str, Any]:
    args = request.args
    errors = {name: ["give this parameter once"] for name in args if len(args.getlist(name)) > 1}
    try:
        if errors:
            raise ValidationError(errors)
        return schema.load(args.to_dict(flat=True))
    except ValidationError as error:
        raise InvalidQuery(error) from None


def body(schema: Schema) -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send the request body as application/json")
    data = _json(_raw_body())
    if not isinstance(data, dict):
        raise InvalidBody({"_schema": ["the request body must be a JSON object"]})
    problems = unstorable(data)
    if problems:
        # InvalidBody joins the keys onto the root pointer itself.
        raise InvalidBody({pointer.removeprefix("/"): messages for pointer, messages in problems.items()})
    try:
        return schema.load(data)
    except ValidationError as error:
        raise InvalidBody(error.messages) from None


def _raw_body() -> bytes:
    """The body, refused with 413 once it passes the limit, whether or not it said its length."""
    if request.content_length is not None:
        return request.get_data(cache=False)  # werkzeug refuses a declared length over the limit
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    data: bytes = request.environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data


def _json(raw: bytes) -> Any:
    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(raw, parse_constant=refuse_constant)
    except RecursionError:
        raise MalformedJson(f"the request body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedJson(f"the request body is not valid JSON: {error}") from None


def unstorable(document: Any) -> dict[str, list[str]]:
    """JSON Pointers to the strings that cannot be stored, and to nesting past MAX_DEPTH.
    Walks with an explicit stack, so depth costs no recursion."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        pointer, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            found[pointer] = [f"nested deeper than {MAX_DEPTH} levels"]
            continue
        items: Any = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        if isinstance(value, str) and _UNSTORABLE.search(value):
            found[pointer] = ["text may not contain NUL characters or unpaired surrogates"]
        for key, child in items:
            child_pointer = f"{pointer}/{_escape(str(key))}"
            if isinstance(key, str) and _UNSTORABLE.search(key):
                found[_printable(child_pointer)] = ["a key may not contain NUL characters or unpaired surrogates"]
                continue
            stack.append((child_pointer, child, depth + 1))
    return found


def _escape(key: str) -> str:
    """A key as a JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _printable(pointer: str) -> str:
    return _UNSTORABLE.sub("\ufffd", pointer)


def if_match_version() -> int | None:
    """The version named by If-Match ("3"); anything but one strong tag of digits is refused."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    found = IF_MATCH.match(header.strip())
    if found is None:
        raise BadPrecondition('If-Match must be one strong entity tag naming a version, like "3"')
    return int(found.group(1))


CONSISTENCY_TOKEN = "Consistency-Token"


def consistency_tokens(consistent_with: str | None) -> list[ConsistencyToken]:
    """The writes a read must see: the query's ``consistent_with`` (already checked) and
    the Consistency-Token header, which is refused (400) unless it is one token."""
    tokens = [ConsistencyToken.parse(consistent_with)] if consistent_with else []
    header = request.headers.get(CONSISTENCY_TOKEN)
    if header is not None:
        try:
            tokens.append(ConsistencyToken.parse(header.strip()))
        except ValueError as error:
            raise InvalidQuery(ValidationError({CONSISTENCY_TOKEN: [str(error)]})) from None
    return tokens


def metadata(given: dict[str, Any], writer: str) -> dict[str, Any]:
    """The client's metadata, with this request's id as its correlation id when the client
    named none, and who wrote it -- the token's name, which no client can set."""
    return {"correlation_id": request_id(), **given, "recorded_by": writer}


REQUEST_ID = "X-Request-ID"
_USABLE_ID = re.compile(r"[\x21-\x7e]{1,200}")


def request_id() -> str:
    """This request's id (made when first asked for, so error handlers have one too)."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID) or request.headers.get("X-Correlation-ID") or ""
        g.request_id = given if _USABLE_ID.fullmatch(given) else uuid4().hex
    return str(g.request_id)


def echo_request_ids(app: Flask) -> None:
    @app.after_request
    def echo(response: Response) -> Response:
        response.headers[REQUEST_ID] = request_id()
        return response
