"""An answer's list as a table: CSV (RFC 4180) for dashboards, spreadsheets and research.

A list answer names the lists in its body that are its rows (``Table.rows``); each row is
written from the JSON the answer's schemas dumped, flattened by the row's schema, so the
table and the JSON cannot drift apart and every row has every column:

- a nested object becomes one column per field, with dotted names (``termination.state``);
- a list of values becomes one cell, the values joined with ``;`` (``party_ids``);
- a list of objects becomes one cell per scalar field of its items, each joined with ``;``
  (``sources.url``);
- an object whose fields vary (an event's ``payload``, its ``metadata``) is one cell of JSON.

A field an answer leaves out (one present only when it applies) is an empty cell, as is
null. A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading ``'``, as OWASP's advice
on CSV injection has it; numbers and booleans are written as they are.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from marshmallow import Schema, fields

CSV = "text/csv"
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JOINED_BY = ";"
_SCALARS = (
    fields.String,
    fields.UUID,
    fields.Date,
    fields.DateTime,
    fields.Integer,
    fields.Float,
    fields.Boolean,
    fields.Enum,
)


@dataclass(frozen=True)
class Column:
    """One column: its name, where its cells come from in a dumped row (the keys to follow,
    and the key within each item when the path ends at a list of objects), what it holds
    (a JSON Schema type, and format: ``date``, ``date-time``, ``uuid``) and what it means."""

    name: str
    path: tuple[str, ...]
    each: str | None
    kind: str
    description: str
    format: str | None = None

    def cell(self, row: Mapping[str, Any]) -> str:
        value: Any = row
        for key in self.path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if self.each is not None:
            value = [item.get(self.each) for item in value or ()]
        return _cell(value)


@dataclass(frozen=True)
class Table:
    """The rows of an answer: the lists at ``rows`` in its body, read one after another,
    each item dumped by ``schema``."""

    rows: tuple[str, ...]
    schema: type[Schema]

    @property
    def columns(self) -> tuple[Column, ...]:
        return columns_of(self.schema)

    def csv(self, answer: Mapping[str, Any]) -> bytes:
        """The answer's rows as CSV: a header row, then one row per item, CRLF after each."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(column.name for column in self.columns)
        for row in self.items(answer):
            writer.writerow(column.cell(row) for column in self.columns)
        return out.getvalue().encode()

    def items(self, answer: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
        for key in self.rows:
            yield from answer[key]


def table_of(envelope: type[Schema], *rows: str) -> Table:
    """The table of an answer dumped by ``envelope`` whose rows are the lists at ``rows``,
    which must all hold items of one schema."""
    items = {_item_schema(envelope().fields[key]) for key in rows}
    if len(items) != 1 or None in items:
        raise TypeError(f"{envelope.__name__}: {rows} are not lists of items of one schema")
    (schema,) = items
    assert schema is not None
    return Table(rows, schema)


@cache
def columns_of(schema: type[Schema]) -> tuple[Column, ...]:
    """The columns of rows dumped by ``schema``, in the order its fields are dumped."""
    return tuple(_columns(schema(), (), ""))


def _columns(schema: Schema, path: tuple[str, ...], prefix: str) -> Iterable[Column]:
    for name, field in schema.dump_fields.items():
        key = field.data_key or name
        where, label = (*path, key), f"{prefix}{key}"
        nested = _nested(field)
        item = _item_schema(field)
        if nested is not None:
            yield from _columns(nested, where, f"{label}.")
        elif item is not None:
            for inner, inner_field in item().dump_fields.items():
                inner_key = inner_field.data_key or inner
                if _kind(inner_field) not in ("object", "array"):
                    yield Column(f"{label}.{inner_key}", where, inner_key, "string", _about(inner_field, each=True))
        else:
            yield Column(label, where, None, _kind(field), _about(field), _format(field))


def _nested(field: fields.Field) -> Schema | None:
    """The schema of a nested object (not of a list of them)."""
    if isinstance(field, fields.Nested) and not field.many:
        schema = field.schema
        return schema if isinstance(schema, Schema) else None
    return None


def _item_schema(field: fields.Field) -> type[Schema] | None:
    """The schema of the items of a list of objects."""
    inner = field.inner if isinstance(field, fields.List) else None
    if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
        return type(inner.schema)
    return None


def _kind(field: fields.Field) -> str:
    """The JSON Schema type of a column's cells, before they are written as text."""
    declared = field.metadata.get("type")
    if isinstance(field, fields.List):
        return "array"
    if isinstance(field, fields.Dict | fields.Nested) or declared == "object":
        return "object"
    if isinstance(field, fields.Boolean):
        return "boolean"
    if isinstance(field, fields.Integer):
        return "integer"
    if isinstance(field, fields.Float):
        return "number"
    if isinstance(field, _SCALARS) or declared == "string":
        return "string"
    if isinstance(field, fields.Function | fields.Method):  # of no declared type: written as JSON
        return "object"
    raise TypeError(f"no column for a {type(field).__name__}")


def _format(field: fields.Field) -> str | None:
    """The JSON Schema format of a text column's cells, where they have one."""
    if isinstance(field, fields.DateTime):
        return "date-time"
    if isinstance(field, fields.Date):
        return "date"
    if isinstance(field, fields.UUID):
        return "uuid"
    declared = field.metadata.get("format")
    return str(declared) if declared else None


def _about(field: fields.Field, *, each: bool = False) -> str:
    said = str(field.metadata.get("description", ""))
    kind = _kind(field) if not each else "each item's value"
    if each:
        return f"{kind}, joined with `{JOINED_BY}`" + (f": {said}" if said else "")
    if kind == "array":
        return f"the values joined with `{JOINED_BY}`" + (f": {said}" if said else "")
    if kind == "object":
        return "JSON" + (f": {said}" if said else "")
    return said


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        text = JOINED_BY.join(_cell(item) if not isinstance(item, str) else item for item in value)
    elif isinstance(value, dict):
        text = orjson.dumps(value).decode()
    else:
        text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
