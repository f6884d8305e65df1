"""The OpenAPI 3.1 document, written from the app's routes and the promises of its views.

The document is built once per app from the URL map: every route must carry a promise
(service/http/promises.py) or building fails, so nothing the service answers goes undocumented.
apispec turns the marshmallow schemas the views use into JSON Schema; every event type's
payload, and the events that carry one, come from events.py beside this.
"""

import re
from importlib.metadata import version
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import fields

from events import PARTY_ID_PATTERN, STORABLE_TEXT_PATTERNS, TIMEZONES
from service.api.openapi import events
from service.http import answers
from service.http.inbound import AGREEMENT_ID_PATTERN, REVISION_TYPES, CursorField, DeadlineCursorField
from service.http.problems import PROBLEM_JSON, PROBLEM_STATUS
from service.http.promises import (
    JSON,
    REQUEST_HEADERS,
    RESPONSE_HEADERS,
    SERVER_PROBLEMS,
    Answer,
    Promise,
    promise_of,
    query_of,
)
from service.http.tables import CSV, Table, table_of

# Routes that serve files, not API answers: the app's static folder and Swagger UI's.
_FILE_ROUTES = {"static", "openapi.swagger_ui_asset"}
_PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
_PATH_PATTERNS = {"agreement": f"^{AGREEMENT_ID_PATTERN}$", "party": f"^({PARTY_ID_PATTERN})$"}

_REQUIRED_HEADERS = {401: ("WWW-Authenticate",)}
_OPTIONAL_HEADERS = {503: ("Retry-After",)}


def build(app: Flask) -> dict[str, Any]:
    """The whole document for ``app``'s routes."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="pact-chronology",
        version=version("pact-chronology"),
        openapi_version="3.1.0",
        plugins=[marshmallow],
        info={
            "description": "An event-sourced chronology of international agreements. The status of an agreement on "
            "any day is computed by replaying its immutable events, as they were known at any instant. Errors are "
            "application/problem+json (RFC 9457). Writes need a bearer token.",
        },
    )
    marshmallow.converter.add_attribute_function(_strict_strings)  # type: ignore[union-attr]
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, header in RESPONSE_HEADERS.items():
        spec.components.header(name, header)
    for name, header in REQUEST_HEADERS.items():
        spec.components.parameter(name, "header", {**header, "name": name})
    spec.components.schema("Problem", schema=answers.Problem)
    events.register_payloads(spec)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint in _FILE_ROUTES:
            continue
        promise = promise_of(app.view_functions[rule.endpoint])
        if promise is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) makes no promise: decorate its view with @promises")
        path, parameters = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = _operation(promise, parameters, rule.endpoint, method)
            spec.path(path=path, operations={method.lower(): operation})
    document = spec.to_dict()
    _query_parameters_are_never_null(document)
    _state_cross_field_rules(document["components"]["schemas"])
    _time_zones_once(document["components"]["schemas"])
    events.state_cross_field_rules(document["components"]["schemas"])
    events.discriminate(document["components"]["schemas"])
    events.name_the_streamed_entry(document["components"]["schemas"])
    return document


def _state_cross_field_rules(schemas: dict[str, Any]) -> None:
    """The rules across fields that JSON Schema can state (``if``/``then``), so validators
    and generators know them: an appended event needs ``occurred_on`` unless it corrects or
    retracts another (EventIn.dated), a renewal period needs an initial term
    (TermsSchema.renewal_needs_a_first_term), and a notice period is in days or in months,
    which an earliest notice day needs (TermsSchema.one_notice_period)."""
    schemas["EventIn"]["if"] = {"properties": {"type": {"not": {"enum": sorted(REVISION_TYPES)}}}}
    schemas["EventIn"]["then"] = {"required": ["occurred_on"], "properties": {"occurred_on": {"type": "string"}}}
    schemas["Terms"]["if"] = {
        "required": ["renewal_term_months"],
        "properties": {"renewal_term_months": {"type": "integer"}},
    }
    schemas["Terms"]["then"] = {
        "required": ["initial_term_months"],
        "properties": {"initial_term_months": {"type": "integer"}},
    }
    given = {"type": "integer"}
    schemas["Terms"]["allOf"] = [
        {  # TermsSchema.one_notice_period: days or months, not both
            "if": {"required": ["notice_days"], "properties": {"notice_days": given}},
            "then": {"properties": {"notice_months": {"type": "null"}}},
        },
        {  # ... and an earliest notice day needs a notice period
            "if": {"required": ["earliest_notice_months"], "properties": {"earliest_notice_months": given}},
            "then": {
                "anyOf": [
                    {"required": ["notice_days"], "properties": {"notice_days": given}},
                    {"required": ["notice_months"], "properties": {"notice_months": given}},
                ]
            },
        },
    ]


def _time_zones_once(schemas: dict[str, Any]) -> None:
    """A time zone as one schema, referred to where one is taken: a pattern that matches
    the IANA names the server accepts (TIMEZONES), not an enum. Generators make an
    identifier of each enum value, and ``GMT+0``, ``GMT-0`` and ``GMT0`` make the same one;
    a pattern they leave to validators, which hold a client to the server's very list."""
    names = sorted(TIMEZONES)
    schemas["TimeZone"] = {
        "type": "string",
        "description": "an IANA time zone name (the tz database), like Asia/Seoul: one the server's tz database"
        " holds, as the pattern lists them",
        "pattern": f"^({'|'.join(_literally(name) for name in names)})$",
        "examples": ["Asia/Seoul", "Asia/Tokyo", "UTC"],
    }
    for schema in schemas.values():
        properties = schema.get("properties", {})
        for name, field in properties.items():
            if field.get("enum") == names:
                kept = {key: field[key] for key in ("description", "default") if key in field}
                properties[name] = {"$ref": "#/components/schemas/TimeZone", **kept}


def _literally(text: str) -> str:
    """``text`` as a regular expression that matches it alone (ECMA-262 and Python alike)."""
    return "".join(f"\\{character}" if character in "\\^$.|?*+()[]{}" else character for character in text)


def _query_parameters_are_never_null(document: dict[str, Any]) -> None:
    """A query parameter is given or left out; marshmallow's load_default=None, which apispec
    writes as a nullable type with a null default, means "left out"."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if isinstance(schema.get("type"), list):
                    schema["type"] = next(kind for kind in schema["type"] if kind != "null")
                if schema.get("default", "") is None:
                    del schema["default"]
                if None in schema.get("enum", ()):
                    schema["enum"] = [value for value in schema["enum"] if value is not None]


def _strict_strings(_converter: Any, field: fields.Field, **_: Any) -> dict[str, Any]:
    """What the service's strict fields accept, where JSON Schema can say it: the pattern a
    field matches whole, anchored (see events/codec/fields.py)."""
    pattern: str | None = getattr(field, "pattern", None)
    if pattern is None:
        # What a client sends is checked; what the service answers was checked coming in.
        answered = type(field.root).__module__ == answers.__name__
        return _storable_text() if isinstance(field, fields.String) and not answered else {}
    if isinstance(field, CursorField):
        return {"type": "string", "pattern": f"^{pattern}$", "default": str(field.load_default)}
    if isinstance(field, DeadlineCursorField):
        return {"type": "string", "pattern": f"^{pattern}$"}
    return {"pattern": f"^{pattern}$"}


def _storable_text() -> dict[str, Any]:
    no_nul, no_lone_surrogate = STORABLE_TEXT_PATTERNS
    return {"pattern": f"^{no_nul}$", "allOf": [{"pattern": f"^{no_lone_surrogate}$"}]}


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """A werkzeug rule as an OpenAPI path, with its path parameters."""
    parameters = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "string", **({"pattern": _PATH_PATTERNS[kind]} if kind in _PATH_PATTERNS else {})},
        }
        for kind, name in _PATH_PARAMETER.findall(rule)
    ]
    return _PATH_PARAMETER.sub(r"{\2}", rule), parameters


def _operation(promise: Promise, path_parameters: list[dict[str, Any]], endpoint: str, method: str) -> dict[str, Any]:
    parameters: list[Any] = [*path_parameters]
    query = query_of(promise)
    if query is not None:
        parameters.append({"in": "query", "schema": query})
    parameters += list(promise.request_headers)  # apispec makes each name a $ref to its component
    problems = {*promise.problems, *SERVER_PROBLEMS, *(("unauthorized",) if promise.writes else ())}
    if method == "GET" and promise.offered:
        problems.add("not-acceptable")
    by_status: dict[int, list[str]] = {}
    for name in sorted(problems):
        by_status.setdefault(PROBLEM_STATUS[name], []).append(name)
    operation: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": promise.summary,
        "tags": [promise.tag],
        "parameters": parameters,
        "responses": {
            **{str(answer.status): _answer(answer) for answer in promise.answers},
            **{str(status): _problem(status, by_status[status]) for status in sorted(by_status)},
        },
    }
    if promise.description:
        operation["description"] = promise.description
    if promise.body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": promise.body}}}
    if promise.writes:
        operation["security"] = [{"bearer": []}]
    return operation


def _answer(answer: Answer) -> dict[str, Any]:
    response: dict[str, Any] = {"description": answer.description}
    if answer.schema is not None:
        response["content"] = {answer.media_type: {"schema": answer.schema}}
        response["content"] |= {media_type: {"schema": schema} for media_type, schema in answer.alternatives}
        if answer.rows:
            response["content"][CSV] = _csv(table_of(answer.schema, *answer.rows))
    elif answer.media_type != JSON:
        response["content"] = {answer.media_type: {"schema": {"type": "string"}}}
    if answer.headers:
        response["headers"] = {name: _header_ref(name) for name in answer.headers}
    if answer.links:
        response["links"] = {
            name: {"operationId": operation, "parameters": parameters} for name, operation, parameters in answer.links
        }
    return response


def _csv(table: Table) -> dict[str, Any]:
    """The CSV representation of a list answer: its columns, in order, in ``x-columns`` (what
    each holds and means) and as the header row of its example."""
    columns = table.columns
    return {
        "schema": {
            "type": "string",
            "description": "RFC 4180 CSV, UTF-8, CRLF line ends: a header row, then one row per item; columns as"
            " `x-columns` lists them (docs/how-to/dashboards.md says how fields become columns)",
        },
        "example": ",".join(column.name for column in columns) + "\r\n",
        "x-columns": [
            {
                "name": column.name,
                "type": column.kind,
                **({"format": column.format} if column.format else {}),
                **({"description": column.description} if column.description else {}),
            }
            for column in columns
        ],
    }


def _problem(status: int, names: list[str]) -> dict[str, Any]:
    types = ", ".join(f"`/problems/{name}`" for name in names)
    headers: dict[str, dict[str, Any]] = {name: _header_ref(name) for name in _OPTIONAL_HEADERS.get(status, ())}
    headers |= {name: {**RESPONSE_HEADERS[name], "required": True} for name in _REQUIRED_HEADERS.get(status, ())}
    response: dict[str, Any] = {
        "description": f"a problem: {types} (see docs/problems.md)",
        "content": {PROBLEM_JSON: {"schema": "Problem"}},
    }
    if headers:
        response["headers"] = headers
    return response


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}
