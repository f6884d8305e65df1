"""Facts the parties read differently, and how each party reads them.

A contested fact is stored as readings (``reading_held`` events), each held by a party and
resting on its own sources. An answer asked from a party's perspective follows that
party's reading; an answer from no perspective says the fact is contested, lists every
reading, and picks none. The one contested fact known so far: the yearly renewal while a
termination notice is suspended (GSOMIA, 22 November 2019 to 21 March 2023).
"""

from collections.abc import Iterable
from uuid import UUID

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.types import RENEWS, ReadingHeld
from events.replay.status import Contest, Reading, TermStatus


def latest_readings(ordered: Iterable[Recorded]) -> tuple[Recorded, ...]:
    """Each party's last reading of each fact, in valid-time order: a reading is about the
    whole time its fact lasts, so the latest stated is the party's reading throughout."""
    latest: dict[tuple[str, str, UUID], Recorded] = {}
    for record in ordered:
        event = record.event
        if isinstance(event, ReadingHeld):
            latest[(event.held_by, event.fact, event.concerns)] = record
    return tuple(latest.values())


def renewal_contest(
    readings: Iterable[Recorded], suspension: Recorded, parties: Iterable[Party], term: TermStatus | None
) -> Contest | None:
    """The contest over the renewal while ``suspension`` lasts: there is one when the
    parties' readings of it differ. Under ``renews`` the term is the text's (``term``)."""
    by_party = {party.id: party for party in parties} | {party.name: party for party in parties}
    held = [
        Reading(
            held_by=by_party[record.event.held_by],
            reading=record.event.reading,
            term=term if record.event.reading == RENEWS else None,
            record=record,
        )
        for record in readings
        if isinstance(record.event, ReadingHeld)
        and record.event.fact == "renewal"
        and record.event.concerns == suspension.event_id
        and record.event.held_by in by_party
    ]
    if len({reading.reading for reading in held}) < 2:
        return None
    ordered = tuple(sorted(held, key=lambda reading: reading.held_by.id))
    return Contest(fact="renewal", concerns=suspension.event_id, readings=ordered)
