"""Dyads: for each pair of an agreement's parties, the spans during which it bound both.

The question GET /relations asks of one day -- was the agreement in force, and in force
for each of the two (a withdrawal still pending binds) -- asked of every day its answer can
change on: the days events happened on, the last day a step known only to its month or year
may have happened on and the day after it, the days the rules change the status (renewals, a
notice or expiry taking effect), and the days a party's own notice takes effect. Between two
such days nothing that decides it changes, so a span's days answer as its first does.

A day whose phase is uncertain (a step known only to its month or year) next to a span is
counted in it, and that end of the span says its precision: the agreement bound the pair
from some day of that month on, or until some day of it. A pair both of whose parties apply
the agreement provisionally (or one in force for it, the other applying it) is a span of
its own phase. A pure function of (events, the last day asked, known-at instant, perspective).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from itertools import combinations

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.precision import Precision
from events.record.terms import ONE_DAY
from events.replay.fold import Replayer
from events.replay.party_status import PartyStatus, party_statuses
from events.replay.status import Status, once_each
from events.replay.timeline import timeline
from events.rules.state import PartyPhase, Phase

BOUND = frozenset({PartyPhase.IN_FORCE, PartyPhase.WITHDRAWAL_PENDING})
APPLYING = BOUND | {PartyPhase.PROVISIONALLY_APPLYING}


class DyadPhase(StrEnum):
    """How the agreement held the two: in force for both, or applied provisionally by at
    least one of them (and in force for, or applied by, the other)."""

    IN_FORCE = "in_force"
    PROVISIONALLY_APPLIED = "provisionally_applied"


@dataclass(frozen=True, kw_only=True)
class DyadSpan:
    """A span of days during which an agreement bound two of its parties, ``party_a``'s id
    sorting before ``party_b``'s. ``ends_on`` is None while it still binds them on the last
    day asked. Each end is known to its precision: a month-precise start is the first day of
    the month from some day of which the pair was bound."""

    party_a: Party
    party_b: Party
    phase: DyadPhase
    starts_on: date
    ends_on: date | None
    starts_precision: Precision
    ends_precision: Precision | None
    based_on: tuple[Recorded, ...]

    def days(self, until: date) -> int:
        """How many days it covers, an open span up to ``until``."""
        return ((self.ends_on or until) - self.starts_on).days + 1

    def years(self, until: date) -> Iterator[tuple[int, "DyadSpan"]]:
        """Its part in each calendar year it covers, an open span up to ``until`` (its last
        part stays open): an end a year's end cuts is known to the day."""
        last = self.ends_on or until
        for year in range(self.starts_on.year, last.year + 1):
            first, final = max(self.starts_on, date(year, 1, 1)), min(last, date(year, 12, 31))
            part = self
            if first != self.starts_on:
                part = replace(part, starts_on=first, starts_precision=Precision.DAY)
            if final != last:
                part = replace(part, ends_on=final, ends_precision=Precision.DAY)
            yield year, part


@dataclass(frozen=True)
class _Day:
    """What decides the pairs on one change day, and what it rests on."""

    on: date
    status: Status
    parties: dict[str, PartyStatus]


def dyads(
    records: Iterable[Recorded],
    until: date,
    known_at: datetime | None = None,
    perspective: Party | None = None,
) -> list[DyadSpan]:
    """Every span, up to ``until``, during which the agreement bound two of its parties, by
    pair (in id order) and then by day; ``perspective`` reads a contested fact as that party
    does, as a status asked with it would."""
    history = list(records)
    replayer = Replayer(history, known_at)
    if not replayer.ordered or replayer.state(until).registered is None:
        return []
    first = min(record.event.occurred_on for record in replayer.ordered)
    if first > until:
        return []
    days = _decided(replayer, _change_days(history, replayer, first, until, known_at), perspective)
    parties = sorted(replayer.state(until).registration.parties, key=lambda party: party.id)
    found: list[DyadSpan] = []
    for party_a, party_b in combinations(parties, 2):
        found += _spans(party_a, party_b, days)
    return found


def _change_days(
    history: list[Recorded], replayer: Replayer, first: date, until: date, known_at: datetime | None
) -> list[date]:
    """The days on which whether a pair is bound can change, from ``first`` to ``until``."""
    events = [record.event for record in replayer.ordered]
    stepped = {day for event in events for day in (event.occurred_on, event.latest_on, event.latest_on + ONE_DAY)}
    ruled = {interval.starts_on for interval in timeline(history, first, until, known_at)}
    days = {first} | {day for day in stepped | ruled if first < day <= until}
    # A party's own notice takes effect by the rules, on a day no event is dated.
    effective = {
        status.notice.effective_on
        for day in sorted(days)
        for status in party_statuses(replayer, day)
        if status.notice is not None
    }
    return sorted(days | {day for day in effective if first < day <= until})


def _decided(replayer: Replayer, days: list[date], perspective: Party | None) -> list[_Day]:
    return [
        _Day(day, replayer.status(day, perspective), {found.party.id: found for found in party_statuses(replayer, day)})
        for day in days
    ]


def _spans(party_a: Party, party_b: Party, days: list[_Day]) -> Iterator[DyadSpan]:
    """The pair's spans: runs of change days with one phase, each with the uncertain days
    next to it."""
    runs = _runs(party_a, party_b, days)
    for index, (phase, start, end, day) in enumerate(runs):
        if not isinstance(phase, DyadPhase):  # not bound, or an uncertain day counted beside a span
            continue
        span = DyadSpan(
            party_a=party_a,
            party_b=party_b,
            phase=phase,
            starts_on=start,
            ends_on=end,
            starts_precision=Precision.DAY,
            ends_precision=Precision.DAY if end is not None else None,
            based_on=_rests_on(day, party_a, party_b),
        )
        before = runs[index - 1] if index > 0 else None
        after = runs[index + 1] if index + 1 < len(runs) else None
        if before is not None and before[0] is Phase.UNCERTAIN:
            span = replace(span, starts_on=before[1], starts_precision=_precision(before[3]))
        if after is not None and after[0] is Phase.UNCERTAIN:
            span = replace(span, ends_on=after[2], ends_precision=_precision(after[3]) if after[2] else None)
        if after is not None and after[0] is not Phase.UNCERTAIN:
            span = replace(span, based_on=once_each([*span.based_on, *_rests_on(after[3], party_a, party_b)]))
        yield span


_Run = tuple[DyadPhase | Phase | None, date, date | None, _Day]


def _runs(party_a: Party, party_b: Party, days: list[_Day]) -> list[_Run]:
    """Maximal runs of change days with one phase for the pair (an uncertain day's phase is
    ``Phase.UNCERTAIN``; None: not bound), each with its first and last day (None: it lasts
    to the last day asked) and its first change day."""
    runs: list[_Run] = []
    ends: list[date | None] = [*(following.on - ONE_DAY for following in days[1:]), None]
    for day, end in zip(days, ends, strict=True):
        phase = _phase(day, party_a, party_b)
        if runs and runs[-1][0] == phase:
            runs[-1] = (phase, runs[-1][1], end, runs[-1][3])
        else:
            runs.append((phase, day.on, end, day))
    return runs


def _phase(day: _Day, party_a: Party, party_b: Party) -> DyadPhase | Phase | None:
    """How the agreement held the pair that day: as /relations asks it for ``in_force``."""
    a, b = day.parties[party_a.id].status, day.parties[party_b.id].status
    if day.status.phase is Phase.IN_FORCE and a in BOUND and b in BOUND:
        return DyadPhase.IN_FORCE
    if day.status.phase is Phase.UNCERTAIN:
        return Phase.UNCERTAIN
    if a in APPLYING and b in APPLYING and PartyPhase.PROVISIONALLY_APPLYING in (a, b):
        return DyadPhase.PROVISIONALLY_APPLIED
    return None


def _precision(day: _Day) -> Precision:
    uncertain = day.status.uncertain
    return uncertain.precision if uncertain is not None else Precision.DAY


def _rests_on(day: _Day, party_a: Party, party_b: Party) -> tuple[Recorded, ...]:
    """The events the pair's standing that day rests on: the agreement's status and each
    party's own."""
    return once_each([*day.status.based_on, *day.parties[party_a.id].based_on, *day.parties[party_b.id].based_on])
