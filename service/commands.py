"""Writing to an agreement's stream: every append is checked against the agreement's rules.

The rules are checked on the stream as read, and the append then names the version that
was read: if anything was appended in between, the store refuses (VersionConflict) rather
than letting two individually valid appends combine into a history the rules forbid.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from prometheus_client import Counter

from events import (
    AgreementRegistered,
    NewEvent,
    Recorded,
    RuleViolation,
    check_history,
    continues,
    effective,
    require_happened,
    target_of,
)
from service.queries import AgreementNotFound
from service.storage.results import AppendResult, VersionConflict
from service.storage.store import EventStore


class EventRejected(Exception):
    """The rules forbid an event; ``index`` is its place in the request, None if it was stored earlier."""

    def __init__(self, violation: RuleViolation, index: int | None) -> None:
        where = f"event {index}" if index is not None else f"stored event version {violation.record.version}"
        super().__init__(f"{where}: {violation}")
        self.violation, self.index = violation, index


class AgreementExists(Exception):
    def __init__(self, agreement_id: str) -> None:
        super().__init__(f"agreement {agreement_id!r} is already registered")
        self.agreement_id = agreement_id


def _refuse_foreign_targets(
    store: EventStore, agreement_id: str, history: Sequence[Recorded], proposed: Sequence[Recorded]
) -> None:
    """A correction naming another agreement's event gets a precise refusal, not "unknown"."""
    ours = {record.event_id for record in [*history, *proposed]}
    for index, record in enumerate(proposed):
        target = target_of(record.event)
        if target is not None and target not in ours:
            owner = store.owner(target)
            if owner is not None:
                reason = f"event {target} belongs to agreement {owner!r}, not {agreement_id!r}"
                raise EventRejected(RuleViolation(record, reason), index)


def _index_of_cause(violation: RuleViolation, proposed: Sequence[Recorded]) -> int | None:
    """Which new event made the history invalid: the event itself, or the latest correction of it."""
    new_ids = [record.event_id for record in proposed]
    for cause in [violation.record.event_id, *reversed(violation.record.corrected_by)]:
        if cause in new_ids:
            return new_ids.index(cause)
    return None


def _as_they_will_read(history: Sequence[Recorded], proposed: Sequence[Recorded]) -> list[Recorded]:
    """The events ``proposed`` records or changes, as replays will read them: each proposed
    development, and each event a proposed correction changes, with its corrections applied."""
    ids = {record.event_id for record in proposed}
    if not any(target_of(record.event) is not None for record in proposed):
        return list(proposed)
    return [record for record in effective([*history, *proposed]) if ids & {record.event_id, *record.corrected_by}]


APPENDED = Counter("pact_events_appended", "Events appended (a retry appends none)")

# Writers of one stream that send no expected version retry after losing a race; each
# round one of them wins, so this bounds the wait of the unluckiest among many writers.
MAX_ATTEMPTS = 64


def register(store: EventStore, agreement_id: str, registration: NewEvent) -> AppendResult:
    """Open a new stream with the agreement's registration; a retry of a registration
    that was stored gets the original result, marked retried."""
    assert isinstance(registration.event, AgreementRegistered)
    try:
        return _retried_or(
            store, agreement_id, [registration], lambda: _append_checked(store, agreement_id, [registration], [], 0)
        )
    except VersionConflict:
        raise AgreementExists(agreement_id) from None


def append(
    store: EventStore, agreement_id: str, events: Sequence[NewEvent], expected_version: int | None = None
) -> AppendResult:
    """Append developments to a registered agreement.

    A retry of an append that was stored gets the original result, ``retried`` (clients
    read ``replayed``), whatever its expected version says. ``expected_version`` None means
    "whatever the stream is at now": the rules are still checked against exactly that
    version, and a writer that loses a race to another reads the stream again and retries
    instead of failing.
    """

    def attempt() -> AppendResult:
        return _retried_or(
            store, agreement_id, events, lambda: _append_once(store, agreement_id, events, expected_version)
        )

    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return attempt()
        except VersionConflict:
            if expected_version is not None:
                raise
    return attempt()


def _retried_or(
    store: EventStore, agreement_id: str, events: Sequence[NewEvent], write: Callable[[], AppendResult]
) -> AppendResult:
    """``write``'s result, or -- when it is refused -- the result of an earlier append of
    these very events, if there was one.

    A request sent again, at once or later, is refused one way or another: by the stream's
    version (it moved on), by the rules (the events are there already), or by the store
    (their ids are taken). Only then is it worth asking whether it was stored before, so a
    first attempt pays nothing for idempotency."""
    try:
        return write()
    except (VersionConflict, EventRejected):
        earlier = store.previously_appended(agreement_id, events)
        if earlier is not None:
            return earlier
        raise


def _append_once(
    store: EventStore, agreement_id: str, events: Sequence[NewEvent], expected_version: int | None
) -> AppendResult:
    history = store.load(agreement_id)
    if not history:
        raise AgreementNotFound(agreement_id)
    current = history[-1].version
    if expected_version is not None and expected_version != current:
        raise VersionConflict(agreement_id, expected_version, current)
    return _append_checked(store, agreement_id, events, history, expected_version=current)


def _append_checked(
    store: EventStore,
    agreement_id: str,
    events: Sequence[NewEvent],
    history: Sequence[Recorded],
    expected_version: int,
) -> AppendResult:
    check(store, agreement_id, history, events)
    result = store.append(agreement_id, events, expected_version)
    APPENDED.inc(len(result.event_ids))
    return result


def check(store: EventStore, agreement_id: str, history: Sequence[Recorded], events: Sequence[NewEvent]) -> None:
    """Raise EventRejected unless the rules allow ``events`` after ``history``, the stream's
    whole history so far (versions 1..len(history))."""
    now = datetime.now(UTC)
    first = len(history) + 1
    proposed = [new.recorded(agreement_id, first + i, now) for i, new in enumerate(events)]
    replayer = store.replayer(agreement_id, len(history)) if history else None
    try:
        if replayer is not None and continues(replayer, proposed):
            replayer.check_continuation(proposed)  # the kept fold, not the whole history again
        else:
            _refuse_foreign_targets(store, agreement_id, history, proposed)
            check_history([*history, *proposed])
        for record in _as_they_will_read(history, proposed):
            require_happened(record, now)
    except RuleViolation as violation:
        raise EventRejected(violation, _index_of_cause(violation, proposed)) from None
