"""Writing to an agreement's stream: every append is checked against the agreement's rules.

The rules are checked on the stream as read, and the append then names the version that
was read: if anything was appended in between, the store refuses (VersionConflict) rather
than letting two individually valid appends combine into a history the rules forbid.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from events import NewEvent, Recorded, RuleViolation, check_history
from events.types import AgreementRegistered
from service.store import AppendResult, EventStore, VersionConflict


class AgreementNotFound(Exception):
    def __init__(self, agreement_id: str) -> None:
        super().__init__(f"no agreement {agreement_id!r}")
        self.agreement_id = agreement_id


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


def register(store: EventStore, agreement_id: str, registration: NewEvent) -> AppendResult:
    """Open a new stream with the agreement's registration."""
    assert isinstance(registration.event, AgreementRegistered)
    try:
        return _append_checked(store, agreement_id, [registration], history=[], expected_version=0)
    except VersionConflict:
        raise AgreementExists(agreement_id) from None


def append(
    store: EventStore, agreement_id: str, events: Sequence[NewEvent], expected_version: int | None = None
) -> AppendResult:
    """Append developments to a registered agreement.

    ``expected_version`` None means "whatever the stream is at now" -- the rules are still
    checked against exactly that version.
    """
    earlier = store.previously_appended(agreement_id, events)
    if earlier is not None:
        return earlier
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
    now = datetime.now(UTC)
    proposed = [new.recorded(agreement_id, expected_version + i, now) for i, new in enumerate(events, start=1)]
    try:
        check_history([*history, *proposed])
    except RuleViolation as violation:
        new_ids = [new.event_id for new in events]
        index = new_ids.index(violation.record.event_id) if violation.record.event_id in new_ids else None
        raise EventRejected(violation, index) from None
    return store.append(agreement_id, events, expected_version)
