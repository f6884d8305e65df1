"""Every agreement's registration in memory, and which agreements each party is party to:
what questions across agreements start from, without reading every stream.

A registration is never rewritten, a correction cannot change its parties or anything
else held here (events/rules/corrections.py refuses it), and agreements are never removed,
so what this holds is right for ever once read; one read of how many there are (a tally a
trigger keeps) tells whether agreements were registered since, and only those are read.
"""

import threading
from collections.abc import Callable, Mapping

from events import AgreementRegistered, Recorded

# How many agreements there are now; the registrations of all but the agreements named.
Count = Callable[[], int]
FetchAllBut = Callable[[list[str]], list[Recorded]]


class Registrations:
    def __init__(self, count: Count, fetch_all_but: FetchAllBut) -> None:
        self._count, self._fetch_all_but = count, fetch_all_but
        self._registrations: dict[str, AgreementRegistered] = {}
        self._by_party: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def every(self) -> Mapping[str, AgreementRegistered]:
        """Every agreement's registration, by agreement id, as committed now."""
        self._catch_up()
        return self._registrations

    def of_party(self, party_id: str) -> tuple[str, ...]:
        """The agreements ``party_id`` is registered as a party to, by id."""
        self._catch_up()
        return self._by_party.get(party_id, ())

    def names_of(self, party_id: str) -> tuple[str, ...]:
        """The names the agreements of ``party_id`` give it, one per agreement."""
        self._catch_up()
        return self._names.get(party_id, ())

    def of_all(self, party_ids: list[str]) -> list[str]:
        """The agreements every one of ``party_ids`` is a party to, by id."""
        self._catch_up()
        by_party = self._by_party
        found = set(by_party.get(party_ids[0], ()))
        for party_id in party_ids[1:]:
            found &= set(by_party.get(party_id, ()))
        return sorted(found)

    def _catch_up(self) -> None:
        if self._count() == len(self._registrations):
            return
        with self._lock:
            registrations = dict(self._registrations)
            for record in self._fetch_all_but(list(registrations)):
                assert isinstance(record.event, AgreementRegistered)
                registrations[record.stream_id] = record.event
            by_party: dict[str, list[str]] = {}
            names: dict[str, list[str]] = {}
            for stream_id in sorted(registrations):
                for party in registrations[stream_id].parties:
                    by_party.setdefault(party.id, []).append(stream_id)
                    names.setdefault(party.id, []).append(party.name)
            # Replaced whole, so a reader without the lock sees the old or the new, never half.
            self._by_party = {party_id: tuple(streams) for party_id, streams in by_party.items()}
            self._names = {party_id: tuple(given) for party_id, given in names.items()}
            self._registrations = registrations
