"""The timeline: an agreement's life as maximal intervals of one status, from its events.

A pure function of (events, from, to, known-at instant, perspective), like the replay it
asks: the status is computed on each day anything can change -- an event's day, the last
day of a step known only to its month, a renewal, a notice taking effect -- in one pass.
"""

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.terms import ONE_DAY, term_starts_between
from events.record.types import AgreementRegistered, ContextNoted
from events.replay.fold import developments, due, fold, status_of
from events.replay.readings import latest_readings
from events.replay.status import Interval, Status
from events.rules.lifecycle import apply, settle
from events.rules.state import Agreement, Phase, TerminationState


def timeline(
    records: Iterable[Recorded],
    start: date,
    end: date,
    known_at: datetime | None = None,
    perspective: Party | None = None,
) -> list[Interval]:
    """Consecutive intervals covering [start, end], each with one phase, termination state,
    term and whether a fact of it is contested; terms as ``perspective`` reads them."""
    ordered = developments(records, known_at)
    days = sorted({start} | _event_days(ordered, start, end) | _derived_days(ordered, start, end))
    intervals: list[Interval] = []
    for day, status in zip(days, _statuses(ordered, days, perspective), strict=True):
        termination = status.termination.state if status.termination else None
        key = (status.phase, termination, _term_number(status), status.contested is not None)
        if intervals and _key(intervals[-1]) == key:
            continue
        if intervals:
            intervals[-1] = replace(intervals[-1], ends_on=day - ONE_DAY)
        changes = tuple(
            r.event_id for r in ordered if day in (r.event.occurred_on, r.event.latest_on) and _changes_status(r)
        )
        intervals.append(
            Interval(
                starts_on=day,
                ends_on=end,
                phase=key[0],
                termination=key[1],
                term=key[2],
                contested=key[3],
                changed_by=changes if day > start else (),
                derived=day > start and not changes,
            )
        )
    return intervals


def _statuses(ordered: list[Recorded], days: list[date], perspective: Party | None) -> Iterator[Status]:
    """Status on each of ``days`` (ascending) in one pass over the events."""
    state, index, readings = Agreement(), 0, latest_readings(ordered)
    for day in days:
        while index < len(ordered) and due(ordered[index], day, state):
            state = apply(state, ordered[index])
            index += 1
        yield status_of(state, day, readings, perspective)


def _event_days(ordered: list[Recorded], start: date, end: date) -> set[date]:
    """The days events happened on, and the last possible day of each known only to its month or year."""
    days = {r.event.occurred_on for r in ordered} | {r.event.latest_on for r in ordered}
    return {day for day in days if start < day <= end}


def _derived_days(ordered: list[Recorded], start: date, end: date) -> set[date]:
    """Days where the rules alone change the status: renewals, and a notice or expiry taking effect."""
    state = settle(fold(ordered, until=end), end)
    days: set[date] = set()
    if state.in_force_from is not None:
        days.update(term_starts_between(state.registration.terms, state.in_force_from, start + ONE_DAY, end))
    if state.phase is Phase.TERMINATED and state.since is not None and start < state.since:
        days.add(state.since)
    return days


def _changes_status(record: Recorded) -> bool:
    return not isinstance(record.event, (AgreementRegistered, ContextNoted))


def _term_number(status: Status) -> int | None:
    return status.term.number if status.term else None


def _key(interval: Interval) -> tuple[Phase, TerminationState | None, int | None, bool]:
    return (interval.phase, interval.termination, interval.term, interval.contested)
