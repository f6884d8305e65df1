"""Bulk import and export of events as NDJSON: one event a line, in the shape the events
API shows (``GET /agreements/<id>/events``), sources included.

An import checks every line -- its shape, and each agreement's rules over its whole
history -- before it writes anything, so a bad line stops it with its line number and
nothing written. It then writes each agreement's new events by COPY, a batch per
transaction. Events already stored (same id, same content) are skipped, so importing a
file twice appends nothing the second time; an id stored with other content is an error.

Each exported line says the ``schema_version`` its payload is written in (its type's
current one); an import reads every version this release knows, upcast as stored rows are
(events/codec/versions.py). A line without one is read in the current version or, failing that,
as version 1: written by hand today, or by ``export`` before versions existed.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from events import (
    CURRENT,
    EVENT_TYPES,
    AgreementRegistered,
    Day,
    Event,
    NewEvent,
    NotUpcastable,
    Recorded,
    SourceSchema,
    decode,
    type_name,
    upcast,
)
from service import commands
from service.http.answers import EVENT
from service.http.encoding import line as json_line
from service.http.inbound import agreement_id as agreement_id_field
from service.http.problems import pointers
from service.http.requests import unstorable
from service.storage.store import EventStore

# Rows per COPY transaction: each must commit within the 10 s commit-lag bound.
BATCH = 2000


class ImportFailed(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class Imported:
    agreements: int
    appended: int
    already_stored: int


class ImportedEvent(Schema):
    """One line of an import. What the store assigns (version, position, recorded_at, cursor)
    may be present, as in an export, and is ignored: the import assigns it anew."""

    id = fields.UUID(required=True)
    agreement_id = agreement_id_field(required=True)
    type = fields.String(required=True, validate=validate.OneOf(sorted(EVENT_TYPES)))
    occurred_on = Day(required=True)
    payload = fields.Dict(keys=fields.String(), load_default=dict)
    schema_version = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=32767))
    sources = fields.List(fields.Nested(SourceSchema), required=True, validate=validate.Length(max=50))
    metadata = fields.Dict(keys=fields.String(), load_default=dict)
    version = fields.Raw(load_default=None)
    position = fields.Raw(load_default=None)
    recorded_at = fields.Raw(load_default=None)
    cursor = fields.Raw(load_default=None)

    @validates_schema
    def sourced(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("type") != "agreement_registered" and not data.get("sources"):
            raise ValidationError("every event but a registration needs a source", "sources")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> tuple[str, NewEvent]:
        event = _event(data["type"], data["occurred_on"], data["payload"], data["schema_version"])
        new = NewEvent(event=event, event_id=data["id"], sources=tuple(data["sources"]), metadata=data["metadata"])
        return data["agreement_id"], new


IMPORTED_EVENT = ImportedEvent()


def _event(event_type: str, day: date, payload: dict[str, Any], version: int | None) -> Event:
    """The line's event, its payload upcast from ``version``: when None, the current
    version, else version 1 (what ``export`` wrote before versions existed)."""
    try:
        return decode(event_type, day, upcast(event_type, version or CURRENT[event_type], payload))
    except NotUpcastable as error:
        raise ValidationError(str(error), "schema_version") from None
    except ValidationError as error:
        if version is None:
            try:
                return decode(event_type, day, upcast(event_type, 1, payload))
            except (NotUpcastable, ValidationError):
                pass
        raise ValidationError(error.messages, "payload") from None


@dataclass(frozen=True)
class _Append:
    """What an import will write to one agreement: its new events after ``version``."""

    stream_id: str
    version: int
    events: list[NewEvent]


@dataclass(frozen=True)
class ImportPlan:
    """A checked import, ready to write."""

    appends: list[_Append]
    already_stored: int

    @property
    def to_write(self) -> int:
        return sum(len(append.events) for append in self.appends)


def prepare(store: EventStore, lines: Iterable[str]) -> ImportPlan:
    """Read and check every line; ImportFailed names the first bad one. Writes nothing."""
    return _plan(store, _parse(lines))


def write(store: EventStore, plan: ImportPlan, written: Callable[[int], None]) -> Imported:
    """Write a prepared import, a transaction per batch; ``written`` hears of each batch."""
    for append in plan.appends:
        for start in range(0, len(append.events), BATCH):
            batch = append.events[start : start + BATCH]
            store.copy_append(append.stream_id, batch, append.version + start)
            written(len(batch))
    return Imported(agreements=len(plan.appends), appended=plan.to_write, already_stored=plan.already_stored)


def _parse(lines: Iterable[str]) -> dict[str, list[tuple[int, NewEvent]]]:
    streams: dict[str, list[tuple[int, NewEvent]]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as error:
            raise ImportFailed(number, f"not a JSON object: {error}") from None
        if not isinstance(data, dict):
            raise ImportFailed(number, "not a JSON object")
        try:
            if problems := unstorable(data):
                raise ValidationError(problems)
            stream_id, new = IMPORTED_EVENT.load(data)
        except ValidationError as error:
            first = next(pointers(error.messages))
            raise ImportFailed(number, f"{first['pointer']}: {first['detail']}") from None
        streams.setdefault(stream_id, []).append((number, new))
    return streams


def _plan(store: EventStore, streams: dict[str, list[tuple[int, NewEvent]]]) -> ImportPlan:
    appends, skipped = [], 0
    for stream_id, items in streams.items():
        history = store.load(stream_id)
        stored = {record.event_id: record for record in history}
        fresh = [(number, new) for number, new in items if not _already(stored, number, new)]
        skipped += len(items) - len(fresh)
        if not fresh:
            continue
        if not history and not isinstance(fresh[0][1].event, AgreementRegistered):
            raise ImportFailed(fresh[0][0], f"agreement {stream_id!r} is new: its first event must register it")
        events = [new for _, new in fresh]
        try:
            commands.check(store, stream_id, history, events)
        except commands.EventRejected as rejected:
            number = fresh[rejected.index][0] if rejected.index is not None else fresh[0][0]
            raise ImportFailed(number, rejected.violation.reason) from None
        appends.append(_Append(stream_id, len(history), events))
    return ImportPlan(appends, skipped)


def _already(stored: dict[Any, Recorded], number: int, new: NewEvent) -> bool:
    record = stored.get(new.event_id)
    if record is None:
        return False
    if (record.event, record.sources) != (new.event, new.sources):
        raise ImportFailed(number, f"event {new.event_id} is stored already with other content")
    return True


def export_events(store: EventStore, stream_ids: Sequence[str], known_at: datetime | None = None) -> Iterator[str]:
    """Every event of the agreements (as recorded at ``known_at``, if given), a JSON line
    each, oldest version first."""
    for stream_id in stream_ids:
        after = 0
        while page := store.read(stream_id, after_version=after, limit=BATCH):
            for record in page:
                if known_at is None or record.recorded_at <= known_at:
                    yield json_line({**EVENT.dump(record), "schema_version": CURRENT[type_name(record.event)]})
            after = page[-1].version
