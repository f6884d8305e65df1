"""Before the service answers anything: every stored event is read as this release reads
it -- upcast from the version it was written in, decoded -- and every agreement's history
is replayed under its rules.

A store keeps events for ever and releases change their shapes, so an event this release
cannot read (written by a newer one, or an old version no upcaster reaches) must stop the
start with its id and reason, rather than fail, one request at a time, whoever asks about
its agreement.
"""

from dataclasses import dataclass

import click

from events import RuleViolation, check_history
from service.storage.rows import UnreadableEvent
from service.storage.store import EventStore


@dataclass(frozen=True)
class Verified:
    agreements: int
    events: int


def verify(store: EventStore) -> Verified:
    """Read and replay every agreement; a ClickException names the first event that fails."""
    agreements = events = 0
    for stream_id in store.stream_ids():
        try:
            history = store.load(stream_id)
            check_history(history)
        except UnreadableEvent as unreadable:
            raise click.ClickException(f"the store holds an event this release cannot read: {unreadable}") from None
        except RuleViolation as violation:
            raise click.ClickException(
                f"agreement {stream_id!r} no longer replays under this release's rules: event"
                f" {violation.record.event_id} (version {violation.record.version}), {violation}"
            ) from None
        agreements, events = agreements + 1, events + len(history)
    return Verified(agreements, events)
