"""The reference pages' lists, written from the code at build time: the settings
(service/settings.py), the problem types (service/http/problems.py), and the HTTP API and
every event type's payload (the OpenAPI document the service serves, built here without a
database). Each directive renders Markdown that MyST parses like the rest of the page.

The ``*_markdown`` functions take what they list as an argument, so a test can hand them one
more entry and see it appear.
"""

import inspect
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from events import EVENT_TYPES
from service.app import openapi_document
from service.http.problems import PROBLEM_TYPES, ProblemType
from service.settings import SETTINGS, Setting

# Fields every payload may carry, listed once above the table rather than in every row.
COMMON_PAYLOAD_FIELDS = ("summary", "actors", "place", "note", "date_precision")
METHODS = ("get", "post", "put", "patch", "delete")
# An enum longer than this (the time zones) is counted, not listed.
MAX_VALUES_SHOWN = 30


def settings_markdown(settings: Iterable[Setting]) -> str:
    """The table of settings: variable, default, meaning."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in settings:
        shown = f"unset: {setting.unset}" if setting.unset else f"`{setting.default}`"
        rows.append(f"| `{setting.name}` | {shown} | {_cell(setting.meaning)} |")
    return "\n".join(rows)


def problems_markdown(types: Mapping[str, ProblemType]) -> str:
    """The table of problem types, by status: type, status, title, what it adds."""
    rows = ["| type | status | title | extra members |", "|---|---|---|---|"]
    for name, found in sorted(types.items(), key=lambda item: item[1].status):
        rows.append(f"| `/problems/{name}` | {found.status} | {found.title} | {_cell(found.members)} |")
    return "\n".join(rows)


def events_markdown(document: Mapping[str, Any], types: Mapping[str, type]) -> str:
    """Each event type: what it records (its class's docstring) and its payload's fields
    (from the document's ``<Type>Payload`` schema)."""
    schemas = document["components"]["schemas"]
    parts = [
        "Every payload may also carry "
        + ", ".join(f"`{name}`" for name in COMMON_PAYLOAD_FIELDS)
        + " (see `AgreementRegisteredPayload` in the OpenAPI document for their shapes).",
    ]
    for name, kind in types.items():
        payload = schemas.get(f"{_pascal(name)}Payload", {})
        parts.append(f"## `{name}`\n\n{_cell(inspect.getdoc(kind) or '', joiner=' ')}\n")
        fields = [
            (field, schema)
            for field, schema in payload.get("properties", {}).items()
            if field not in COMMON_PAYLOAD_FIELDS
        ]
        if not fields:
            parts.append("Its payload has no fields of its own.\n")
            continue
        required = set(payload.get("required", ()))
        rows = ["| field | required | type | description |", "|---|---|---|---|"]
        for field, schema in fields:
            rows.append(
                f"| `{field}` | {'yes' if field in required else 'no'} | {_type(schema)} "
                f"| {_cell(schema.get('description', ''))} |"
            )
        parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def http_api_markdown(document: Mapping[str, Any]) -> str:
    """Every operation of the document: its method and path, summary, parameters and answers."""
    parts = []
    for path, operations in document["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            parts.append(f"## `{method.upper()} {path}`\n\n{_cell(operation.get('summary', ''))}\n")
            if operation.get("description"):
                parts.append(_cell(operation["description"]) + "\n")
            parameters = [p for p in operation.get("parameters", ()) if "name" in p]
            if parameters:
                rows = ["| parameter | in | description |", "|---|---|---|"]
                for parameter in parameters:
                    rows.append(
                        f"| `{parameter['name']}` | {parameter['in']} | {_cell(parameter.get('description', ''))} |"
                    )
                parts.append("\n".join(rows) + "\n")
            rows = ["| status | answer |", "|---|---|"]
            for status, response in operation["responses"].items():
                rows.append(f"| {status} | {_cell(response.get('description', ''))} |")
            parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def _type(schema: Mapping[str, Any]) -> str:
    """A field's JSON type as a reader needs it: its values when they are few."""
    values = [value for value in schema.get("enum", ()) if value is not None]
    if len(values) > MAX_VALUES_SHOWN:
        return f"one of {len(values)} values (see the OpenAPI document)"
    if values:
        return "one of " + ", ".join(f"`{value}`" for value in values)
    kind = schema.get("type", "")
    kinds = [kind] if isinstance(kind, str) else [k for k in kind if k != "null"]
    shown = " or ".join(kinds) or "object"
    if schema.get("format"):
        shown += f" ({schema['format']})"
    return shown


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _cell(text: str, joiner: str = " ") -> str:
    """Text that fits in one cell of a Markdown table."""
    return joiner.join(text.split()).replace("|", "\\|")


def _directive(write: Callable[[], str]) -> type[SphinxDirective]:
    """A directive whose content is the Markdown ``write`` returns, parsed as the page is."""

    class Written(SphinxDirective):
        def run(self) -> list[nodes.Node]:
            container = nodes.container()
            source = self.get_source_info()[0]
            self.state.nested_parse(StringList(write().splitlines(), source=source), self.content_offset, container)
            return container.children

    return Written


@cache
def _document() -> dict[str, Any]:
    """The OpenAPI document, written once per build for the pages that list from it."""
    return openapi_document()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("pact-settings", _directive(lambda: settings_markdown(SETTINGS)))
    app.add_directive("pact-problem-types", _directive(lambda: problems_markdown(PROBLEM_TYPES)))
    app.add_directive("pact-event-types", _directive(lambda: events_markdown(_document(), EVENT_TYPES)))
    app.add_directive("pact-http-api", _directive(lambda: http_api_markdown(_document())))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
