"""Loading the shipped chronologies into the store, idempotently.

Events already stored (same id) are skipped, so seeding twice appends nothing, and a
chronology file that grew appends only its new events -- through the same rule checks as
any API client.
"""

from dataclasses import dataclass

from service import commands
from service.chronology import Chronology, chronologies
from service.storage.store import EventStore


@dataclass(frozen=True)
class Seeded:
    stream_id: str
    appended: int


def seed(store: EventStore) -> list[Seeded]:
    return [_seed_one(store, chronology) for chronology in chronologies()]


def _seed_one(store: EventStore, chronology: Chronology) -> Seeded:
    stored = {record.event_id for record in store.load(chronology.stream_id)}
    missing = [new for new in chronology.events if new.event_id not in stored]
    if missing and not stored:
        commands.register(store, chronology.stream_id, missing[0])
        stored.add(missing[0].event_id)
    rest = [new for new in missing if new.event_id not in stored]
    if rest:
        commands.append(store, chronology.stream_id, rest)
    return Seeded(stream_id=chronology.stream_id, appended=len(missing))
