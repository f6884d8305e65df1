"""The chronologies shipped with the service, read from the JSON files beside this module.

Each file holds one agreement's stream; each event names its sources by key in
``sources.json``, which are expanded into full citations so every stored event carries them.
Event ids are derived from the stream and a stable key, so loading twice appends nothing.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from uuid import UUID, uuid5

from events import NewEvent
from events.payloads import SOURCES, decode

NAMESPACE = UUID("6f1c8f6e-5d2b-4c43-9a55-2f0d1d6b7c21")
FILES = ("kr-jp-gsomia.json", "kr-us-jp-tisa.json")


@dataclass(frozen=True)
class Chronology:
    stream_id: str
    events: tuple[NewEvent, ...]


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def chronologies() -> tuple[Chronology, ...]:
    """Every shipped chronology, parsed and validated."""
    catalog = _read("sources.json")
    return tuple(_chronology(_read(name), catalog) for name in FILES)


def chronology(stream_id: str) -> Chronology:
    return next(c for c in chronologies() if c.stream_id == stream_id)


def _chronology(data: dict[str, Any], catalog: dict[str, Any]) -> Chronology:
    stream_id = data["stream_id"]
    return Chronology(stream_id=stream_id, events=tuple(_event(stream_id, item, catalog) for item in data["events"]))


def _event(stream_id: str, item: dict[str, Any], catalog: dict[str, Any]) -> NewEvent:
    return NewEvent(
        event=decode(item["type"], date.fromisoformat(item["occurred_on"]), item["payload"]),
        event_id=uuid5(NAMESPACE, f"{stream_id}/{item['key']}"),
        sources=tuple(SOURCES.load([catalog[key] for key in item["sources"]])),
        metadata={"recorded_by": "pact-chronology seed", "source_keys": item["sources"]},
    )
