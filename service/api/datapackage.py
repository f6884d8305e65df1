"""The datasets as downloads a paper can cite: GET /datasets lists the tables -- events,
timelines, dyads, dyad-years, deadlines -- each as a CSV permalink pinned to the knowledge
it was cut from (``known_at``) and to the days it covers, and GET /datasets/datapackage.json
describes them as a Frictionless Data Package: each resource with its fields (from the
same columns the CSV is written with, service/http/tables.py), the licence, the sources
the events rest on, the release and ``known_at``, and a citation.

Both are routes of the datasets blueprint (service/api/datasets.py), whose tables they
describe. Their URLs are absolute, as the server was reached (its Host), so a paper cites
one; the ETag names the host (service/http/caching.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.metadata import version
from typing import Any

from flask import Response, current_app, url_for
from marshmallow import Schema, fields

from events import Day
from service import queries
from service.api.calendar import DEFAULT_DAYS
from service.api.datasets import MAX_ROWS, bp, event_rows, instant_or_none
from service.http import requests
from service.http.caching import cached, today_by_default
from service.http.handles import handles
from service.http.inbound import DEADLINES_PER_PAGE, description, known_at
from service.http.promises import DATABASE_PROBLEMS, NOT_MODIFIED, PERMALINKED, Answer, promise_of, promises
from service.http.tables import Column, Table
from service.storage.results import Knowledge

TITLE = "pact-chronology: international agreements, their events, timelines and dyads"
# Frictionless field types by the JSON Schema type and format of a column.
_FIELD_TYPES = {
    ("string", "date"): "date",
    ("string", "date-time"): "datetime",
    ("integer", None): "integer",
    ("number", None): "number",
    ("boolean", None): "boolean",
    ("object", None): "object",
}


@dataclass(frozen=True)
class Dataset:
    """A downloadable table: its name, title and meaning, the route that answers it (by
    endpoint), the question pinned (beside ``known_at``), and the most rows one answer of
    that route holds."""

    name: str
    title: str
    description: str
    endpoint: str
    pinned: dict[str, str]
    rows: int = MAX_ROWS


class DatasetsQuery(Schema):
    on = Day(
        load_default=None,
        metadata=description(
            "the day the tables are cut: timelines and dyads run to it, deadlines run a year from it; default: today"
            " (UTC)"
        ),
    )
    known_at = known_at()


class DatasetOut(Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "its CSV, pinned to `known_at` and its days"})


class DatasetsIndex(Schema):
    known_at = fields.AwareDateTime(
        required=True, allow_none=True, metadata={"description": "the knowledge every table is cut from"}
    )
    version = fields.String(required=True, metadata={"description": "the release of pact-chronology that cut them"})
    datapackage = fields.String(required=True, metadata={"description": "their descriptor, pinned to `known_at`"})
    datasets = fields.List(fields.Nested(DatasetOut), required=True)


@bp.get("")
@promises(
    summary="The downloadable tables, pinned to what was known",
    tag="datasets",
    query=DatasetsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(200, "each table, with its CSV's permalink", DatasetsIndex, headers=PERMALINKED, rows=("datasets",)),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def list_datasets() -> Response:
    """Events, timelines, dyads, dyad-years and deadlines, each a CSV pinned to ``known_at``
    (default: all known now, pinned to the newest event's recorded_at) and to today's
    days, which answers the same for ever: what a paper cites."""
    known, pinned_at = _known()
    datasets = _datasets()  # before the ETag is made: it names the day they are cut on

    def answer() -> dict[str, Any]:
        return {
            "known_at": instant_or_none(pinned_at),
            "version": version("pact-chronology"),
            "datapackage": _descriptor(pinned_at),
            "datasets": [_listed(dataset, pinned_at) for dataset in datasets],
        }

    return cached(answer, handles().bodies, knowledge=queries.versions(known), horizon=pinned_at, by_host=True)


class Descriptor(Schema):
    """A Frictionless Data Package (https://specs.frictionlessdata.io/data-package/)."""

    profile = fields.String(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True)
    version = fields.String(required=True)
    created = fields.AwareDateTime(required=True, allow_none=True)
    known_at = fields.AwareDateTime(required=True, allow_none=True)
    licenses = fields.List(fields.Dict(), required=True)
    sources = fields.List(fields.Dict(), required=True)
    citation = fields.Dict(required=True)
    resources = fields.List(fields.Dict(), required=True)


@bp.get("/datapackage.json")
@promises(
    summary="The tables described as a Frictionless Data Package",
    tag="datasets",
    query=DatasetsQuery,
    request_headers=("If-None-Match",),
    answers=(
        Answer(200, "the descriptor, its resources pinned to known_at", Descriptor, headers=PERMALINKED),
        NOT_MODIFIED,
    ),
    problems=("invalid-query", *DATABASE_PROBLEMS),
)
def datapackage() -> Response:
    """Each table as a resource (its CSV, its fields with their types and meanings), the
    licence, the sources its events rest on, the release, ``known_at`` and a citation."""
    known, pinned_at = _known()
    datasets = _datasets()  # before the ETag is made: it names the day they are cut on

    def answer() -> dict[str, Any]:
        return {
            "profile": "tabular-data-package",
            "name": "pact-chronology",
            "title": TITLE,
            "version": version("pact-chronology"),
            "created": instant_or_none(pinned_at),
            "known_at": instant_or_none(pinned_at),
            "licenses": [_licence(str(current_app.config["DATA_LICENSE"]))],
            "sources": _sources(known),
            "citation": {
                "title": TITLE,
                "version": version("pact-chronology"),
                "known_at": instant_or_none(pinned_at),
                "url": _descriptor(pinned_at),
            },
            "resources": [_resource(dataset, pinned_at) for dataset in datasets],
        }

    return cached(answer, handles().bodies, knowledge=queries.versions(known), horizon=pinned_at, by_host=True)


def _known() -> tuple[dict[str, Knowledge], datetime | None]:
    """Every agreement as known at the question's ``known_at``, and the instant the tables
    are pinned to: that, or the newest recorded_at now."""
    asked = requests.question()["known_at"]
    known = queries.every_agreement(handles().store, asked)
    return known, asked or queries.horizon(known)


def _datasets() -> list[Dataset]:
    """The tables, cut on the day asked (default today, UTC): each pins its days to it."""
    today = requests.question()["on"] or today_by_default("on", "UTC")
    ahead = today + timedelta(days=DEFAULT_DAYS)
    return [
        Dataset("events", "Events", "every event of every agreement, with its sources", "datasets.events_table", {}),
        Dataset(
            "timelines",
            "Timelines",
            "each agreement's life as intervals of one status, from its first event to the day it was cut",
            "datasets.timelines_table",
            {"to": today.isoformat()},
        ),
        Dataset(
            "dyads",
            "Dyads",
            "for every pair of parties an agreement bound, each span it bound both",
            "datasets.list_dyads",
            {"to": today.isoformat()},
        ),
        Dataset(
            "dyad-years",
            "Dyad-years",
            "each dyad span's part in each calendar year, with its days",
            "datasets.list_dyads",
            {"to": today.isoformat(), "granularity": "year"},
        ),
        Dataset(
            "deadlines",
            "Deadlines",
            "notice deadlines, term ends and notices taking effect in the year after the day it was cut",
            "calendar.list_deadlines",
            {"from": today.isoformat(), "to": ahead.isoformat()},
            DEADLINES_PER_PAGE,
        ),
    ]


def _listed(dataset: Dataset, pinned_at: datetime | None) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "path": _download(dataset, pinned_at),
    }


def _resource(dataset: Dataset, pinned_at: datetime | None) -> dict[str, Any]:
    """A Data Resource: the table's CSV and its fields."""
    columns = _table(dataset).columns
    return {
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "path": _download(dataset, pinned_at),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [_field(column) for column in columns], "missingValues": [""]},
    }


def _download(dataset: Dataset, pinned_at: datetime | None) -> str:
    """The table's CSV, pinned, as many rows as one answer holds (the whole table at any
    size this service has seen; past it, the answer's Link names the next page)."""
    pinned = {**dataset.pinned, **({"known_at": instant_or_none(pinned_at)} if pinned_at else {})}
    return url_for(dataset.endpoint, _external=True, **pinned, limit=dataset.rows, format="csv")


def _descriptor(pinned_at: datetime | None) -> str:
    return url_for(
        "datasets.datapackage", _external=True, **({"known_at": instant_or_none(pinned_at)} if pinned_at else {})
    )


def _field(column: Column) -> dict[str, Any]:
    """A Table Schema field of a column."""
    kind = _FIELD_TYPES.get((column.kind, column.format), _FIELD_TYPES.get((column.kind, None), "string"))
    field: dict[str, Any] = {"name": column.name, "type": kind}
    if column.description:
        field["description"] = column.description
    if column.format == "uuid":
        field["format"] = "uuid"
    return field


def _sources(known: dict[str, Knowledge]) -> list[dict[str, str]]:
    """Every source the events rest on, once, as Frictionless sources (title, path)."""
    found: dict[tuple[str, str | None, str | None], dict[str, str]] = {}
    for _, record in event_rows(known):
        for source in record.sources:
            title = f"{source.publisher}: {source.title}" if source.title else source.publisher
            found[(source.publisher, source.title, source.url)] = {"title": title} | (
                {"path": source.url} if source.url else {}
            )
    return [found[key] for key in sorted(found, key=lambda key: tuple(part or "" for part in key))]


def _licence(spdx: str) -> dict[str, str]:
    return {"name": spdx, "path": f"https://spdx.org/licenses/{spdx}.html"}


def _table(dataset: Dataset) -> Table:
    """The table the dataset's route answers, as its promise states it."""
    promise = promise_of(current_app.view_functions[dataset.endpoint])
    table = promise.table if promise is not None else None
    if table is None:
        raise LookupError(f"{dataset.endpoint} answers no table")
    return table
