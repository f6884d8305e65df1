"""Reading agreements: what the views ask of the store and the replay.

The read path's questions in one place, each in the domain's words -- an agreement's
knowledge at an instant, its history, its status on a day, a page of agreements, what
bound some parties on a day, a party's agreements, which pairs of parties each agreement
bound and when -- and answered with the domain's
types; the views only turn them into HTTP. The store keeps every stream's decoded events
and its replayer in memory, so a question asked again costs no replay.
``AgreementNotFound`` is the read path's refusal; writes raise it too.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from events import (
    AgreementRegistered,
    DyadSpan,
    Interval,
    Party,
    PartyPhase,
    Phase,
    Recorded,
    Replayer,
    Status,
    developments,
    dyads,
    party_statuses,
    timeline,
)
from service.clock import Clock
from service.storage.results import ConsistencyToken, Cursor, Knowledge
from service.storage.store import EventStore


class AgreementNotFound(Exception):
    def __init__(self, agreement_id: str) -> None:
        super().__init__(f"no agreement {agreement_id!r}")
        self.agreement_id = agreement_id


@dataclass(frozen=True)
class Summary:
    """An agreement as listed: its registration, its version, and its status on a day (``on``:
    today where it lives, unless the question named the day)."""

    agreement_id: str
    registration: AgreementRegistered
    version: int
    on: date
    status: Status


@dataclass(frozen=True)
class Known:
    """An agreement as far as it is known at an instant: what is known of it (``knowledge``),
    and its replay and events read as of exactly that knowledge, from memory as far as the
    store holds them."""

    store: EventStore
    agreement_id: str
    knowledge: Knowledge

    @property
    def version(self) -> int:
        return self.knowledge.version

    def replayer(self) -> Replayer:
        return self.store.replayer(self.agreement_id, self.knowledge.version)

    def history(self) -> list[Recorded]:
        return self.store.history(self.agreement_id, self.knowledge.version)

    def page(self, after: int, limit: int, known_at: datetime | None) -> list[Recorded]:
        """Up to ``limit`` events after version ``after``, as known at ``known_at`` (default:
        as of this knowledge, so an event committed since is the next answer's)."""
        expected = max(0, min(limit, self.knowledge.version - after))
        as_of = known_at or self.knowledge.horizon
        return events_page(self.store, self.agreement_id, after, limit, as_of, expected)


def events_page(
    store: EventStore, agreement_id: str, after: int, limit: int, known_at: datetime | None, expected: int | None = None
) -> list[Recorded]:
    """Up to ``limit`` of the agreement's events after version ``after``, as known at
    ``known_at`` (default: now); ``expected``, how many there are, when it is known."""
    return store.read(agreement_id, after_version=after, limit=limit, known_at=known_at, expected=expected)


def known(
    store: EventStore, agreement_id: str, known_at: datetime | None, tokens: Sequence[ConsistencyToken] = ()
) -> Known:
    """The agreement as known at ``known_at`` (default: now), about now including at least
    the writes ``tokens`` name of it."""
    return Known(store, agreement_id, knowledge(store, agreement_id, known_at, tokens))


def knowledge(
    store: EventStore, agreement_id: str, known_at: datetime | None, tokens: Sequence[ConsistencyToken] = ()
) -> Knowledge:
    """What is known of the agreement at ``known_at`` (default: now), without reading
    events; about now, including at least the writes ``tokens`` name of this agreement."""
    ours = [token for token in tokens if token.stream_id == agreement_id]
    found = store.knowledge(agreement_id, known_at, max(ours, key=lambda token: token.version, default=None))
    if found is None:
        raise AgreementNotFound(agreement_id)
    return found


def known_past(store: EventStore, agreement_id: str, version: int) -> Known | None:
    """The agreement as known now, once it goes past ``version``; else None."""
    found = known(store, agreement_id, None)
    return found if found.version > version else None


def history_at(store: EventStore, agreement_id: str, version: int) -> list[Recorded]:
    """The agreement's events up to ``version``, oldest first, from memory as far as it holds them."""
    return store.history(agreement_id, version)


def feed(store: EventStore, after: Cursor, limit: int) -> list[tuple[Cursor, Recorded]]:
    """Up to ``limit`` events of every agreement after ``after``, in feed order, each with its cursor."""
    return store.feed(after, limit)


def history_of(store: EventStore, agreement_id: str) -> list[Recorded]:
    """Every event of the agreement as recorded so far, oldest first."""
    history = store.load(agreement_id)
    if not history:
        raise AgreementNotFound(agreement_id)
    return history


def registration_of(store: EventStore, agreement_id: str) -> AgreementRegistered:
    """The agreement's registration, its stream's first event (which can never change)."""
    return registration_in(store.history(agreement_id, 1))


def registration_in(history: list[Recorded]) -> AgreementRegistered:
    """The registration every stream starts with."""
    event = history[0].event
    assert isinstance(event, AgreementRegistered)
    return event


def summary(store: EventStore, history: list[Recorded], clock: Clock) -> Summary:
    """The agreement whose stream is ``history`` (versions 1..v), with its status today."""
    registration = registration_in(history)
    today = clock.today(registration.timezone)
    stream_id, version = history[0].stream_id, history[-1].version
    status = store.replayer(stream_id, version).status(today)
    return Summary(agreement_id=stream_id, registration=registration, version=version, on=today, status=status)


def agreements(
    store: EventStore, clock: Clock, after: str, limit: int, phase: Phase | None, in_force_on: date | None
) -> tuple[list[Summary], bool]:
    """Up to ``limit`` agreements whose id sorts after ``after``, in id order, kept by the
    filters (``phase`` today, in force on ``in_force_on``); and whether more follow. Streams
    are read a page at a time, their replays come from memory as far as it holds them."""
    kept = _filter(store, phase, in_force_on)
    found: list[Summary] = []
    exhausted = False
    while len(found) <= limit and not exhausted:
        page = store.stream_versions(after, limit + 1)
        exhausted = len(page) <= limit
        for stream_id, version in page:
            agreement = summary(store, store.history(stream_id, version), clock)
            if kept(agreement):
                found.append(agreement)
            if len(found) > limit:
                break
            after = stream_id
    return found[:limit], len(found) > limit


def _filter(store: EventStore, phase: Phase | None, in_force_on: date | None) -> Callable[[Summary], bool]:
    """Whether an agreement passes the list's filters."""

    def kept(agreement: Summary) -> bool:
        if phase is not None and agreement.status.phase is not phase:
            return False
        if in_force_on is not None:
            replayer = store.replayer(agreement.agreement_id, agreement.version)
            return replayer.status(in_force_on).phase is Phase.IN_FORCE
        return True

    return kept


def registrations(store: EventStore) -> list[tuple[str, AgreementRegistered]]:
    """Every agreement's id and registration, by id."""
    return sorted(store.registrations.every().items())


@dataclass(frozen=True)
class KnownParty:
    """A party as the registrations name it: its id, its most used name (names may differ
    between agreements: "Republic of Korea", "Korea"), and how many agreements it is party to."""

    party: Party
    agreements: int


def parties(store: EventStore) -> list[KnownParty]:
    """Every party of any agreement, by id."""
    party_ids = {party.id for registration in store.registrations.every().values() for party in registration.parties}
    return [_known(party_id, store.registrations.names_of(party_id)) for party_id in sorted(party_ids)]


def _known(party_id: str, names: tuple[str, ...]) -> KnownParty:
    """The party by the name most of its agreements give it (the first in order, on a tie)."""
    return KnownParty(Party(party_id, max(sorted(set(names)), key=names.count)), len(names))


class PartyNotFound(Exception):
    def __init__(self, party_id: str) -> None:
        super().__init__(f"no agreement has a party {party_id!r} (GET /parties lists them)")
        self.party_id = party_id


def known_party(store: EventStore, party_id: str) -> KnownParty:
    """The party, from its own agreements' registrations alone."""
    names = store.registrations.names_of(party_id)
    if not names:
        raise PartyNotFound(party_id)
    return _known(party_id, names)


def party_in(store: EventStore, party_id: str, agreement_ids: Collection[str]) -> KnownParty | None:
    """The party as the agreements ``agreement_ids`` name it -- the name most of them give
    it, and how many they are -- or None when there are none."""
    registrations = store.registrations.every()
    names = tuple(
        party.name
        for agreement_id in sorted(agreement_ids)
        for party in registrations[agreement_id].parties
        if party.id == party_id
    )
    return _known(party_id, names) if names else None


def relations(store: EventStore, party_ids: list[str], known_at: datetime | None) -> dict[str, Knowledge]:
    """What is known at ``known_at`` of every agreement all of ``party_ids`` are parties to,
    by id: from memory (the registrations) and one round trip, however many agreements exist."""
    return store.knowledge_of(store.registrations.of_all(party_ids), known_at)


def agreements_of(store: EventStore, party_id: str, known_at: datetime | None) -> dict[str, Knowledge]:
    """What is known at ``known_at`` of every agreement ``party_id`` is a party to, by id."""
    return store.knowledge_of(store.registrations.of_party(party_id), known_at)


def on_day(store: EventStore, known: dict[str, Knowledge], days: dict[str, date]) -> list[Summary]:
    """Each agreement, as far as it is ``known``, with its status on its day in ``days``, in
    id order; replays come from memory as far as it holds them."""
    found = []
    for stream_id, knowledge in sorted(known.items()):
        registration = registration_in(store.history(stream_id, 1))
        day = days[stream_id]
        status = store.replayer(stream_id, knowledge.version).status(day)
        found.append(
            Summary(agreement_id=stream_id, registration=registration, version=knowledge.version, on=day, status=status)
        )
    return found


def binds(store: EventStore, agreement: Summary, party_ids: list[str]) -> bool:
    """Whether the agreement, as ``agreement`` knows it, bound every one of ``party_ids`` on
    its day: in force for each (a party's withdrawal still pending binds it)."""
    replayer = store.replayer(agreement.agreement_id, agreement.version)
    bound = {PartyPhase.IN_FORCE, PartyPhase.WITHDRAWAL_PENDING}
    statuses = {found.party.id: found.status for found in party_statuses(replayer, agreement.on)}
    return all(statuses.get(party_id) in bound for party_id in party_ids)


def versions(known: dict[str, Knowledge]) -> dict[str, int]:
    """The knowledge a question across agreements replays: each one's version."""
    return {stream_id: k.version for stream_id, k in known.items()}


def horizon(known: dict[str, Knowledge]) -> datetime | None:
    """The instant of the newest knowledge a question across agreements used: its permalink's
    ``known_at``, which pins every agreement's knowledge at once."""
    return max((k.horizon for k in known.values() if k.horizon is not None), default=None)


def every_agreement(store: EventStore, known_at: datetime | None) -> dict[str, Knowledge]:
    """What is known at ``known_at`` of every agreement, by id, in one round trip."""
    return store.knowledge_of(sorted(store.registrations.every()), known_at)


def dyads_of(
    store: EventStore, known: dict[str, Knowledge], until: dict[str, date], perspective: str | None
) -> list[tuple[str, DyadSpan]]:
    """Each agreement's dyad spans up to its day in ``until``, as far as it is ``known``, by
    agreement id; ``perspective`` reads a contested fact as that party does, where it is one."""
    found = []
    for stream_id, knowledge in sorted(known.items()):
        history = store.history(stream_id, knowledge.version)
        party = registration_in(history).party(perspective) if perspective is not None else None
        found += [(stream_id, span) for span in dyads(history, until[stream_id], perspective=party)]
    return found


def timeline_of(
    store: EventStore, agreement_id: str, version: int, until: date, perspective: str | None
) -> list[Interval]:
    """The agreement's timeline as far as ``version``, from its first development to
    ``until``; ``perspective`` reads a contested fact as that party does, where it is one."""
    history = store.history(agreement_id, version)
    first = min((record.event.occurred_on for record in developments(history)), default=until)
    party = registration_in(history).party(perspective) if perspective is not None else None
    return timeline(history, first, until, perspective=party) if first <= until else []
