"""The chronologies shipped with the service, read from the JSON files beside this module.

Each file holds one agreement's stream; each event names its sources by key in
``sources.json``, which are expanded into full citations so every stored event carries them.
Event ids are derived from the stream and a stable key, so loading twice appends nothing.
Events are never edited once shipped, since stores hold them already: a fact found wrong
later gets an ``event_corrected`` of its own, appended, as an API client would send it.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from uuid import UUID, uuid5

from events import SOURCES, NewEvent, decode

NAMESPACE = UUID("6f1c8f6e-5d2b-4c43-9a55-2f0d1d6b7c21")
# GSOMIA first, then TISA, then the other information-protection agreements of the facts
# file's section 3, oldest first.
FILES = (
    "kr-jp-gsomia.json",
    "kr-us-jp-tisa.json",
    "kr-us-military-secrets.json",
    "jp-us-gsomia.json",
    "jp-nato-information-protection.json",
    "jp-fra-information-protection.json",
    "jp-aus-information-security.json",
    "jp-gbr-information-protection.json",
    "jp-ind-information-protection.json",
    "jp-ita-information-protection.json",
    "jp-deu-security-of-information.json",
)


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
        event=decode(item["type"], date.fromisoformat(item["occurred_on"]), _payload(stream_id, item, catalog)),
        event_id=_event_id(stream_id, item["key"]),
        sources=tuple(SOURCES.load([catalog[key] for key in item["sources"]])),
        metadata={"recorded_by": "pact-chronology seed", "source_keys": item["sources"]},
    )


def _event_id(stream_id: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"{stream_id}/{key}")


def _payload(stream_id: str, item: dict[str, Any], catalog: dict[str, Any]) -> dict[str, Any]:
    """The payload as stored. A correction (or a reading) in a file names the event it
    corrects (or concerns) by key, and corrected sources by catalog key, like any event's."""
    payload = dict(item["payload"])
    for named in ("corrects", "concerns"):
        if named in payload:
            payload[named] = str(_event_id(stream_id, payload[named]))
    if "corrected_sources" in payload:
        payload["corrected_sources"] = [catalog[key] for key in payload["corrected_sources"]]
    return payload
