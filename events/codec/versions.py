"""Schema versions of stored payloads, and the upcasters that read old ones as the current.

A store keeps every event for ever, so a payload's shape can change only forward: each
event type has a current version (``CURRENT``), every row says which version it was
written in, and an old payload is brought to the current shape on read by small pure
functions, one per step (v1 -> v2 -> ...). Rows are never rewritten.

To change a type's shape: raise its version in ``CURRENT``, and add the step from the old
version to ``STEPS``.
"""

from collections.abc import Callable
from typing import Any

from events.record.parties import UnnamedParty, party_named
from events.record.types import EVENT_TYPES

Payload = dict[str, Any]


class NotUpcastable(ValueError):
    """A stored payload that cannot be read as its type's current version, and why."""


def _parties_get_ids(payload: Payload) -> Payload:
    """v1 -> v2 of a registration: parties were bare names; now each has an id."""
    parties = payload.get("parties")
    if not isinstance(parties, list) or not all(isinstance(name, str) for name in parties):
        raise NotUpcastable("a version 1 registration lists its parties by name")
    try:
        named = [party_named(name) for name in parties]
    except UnnamedParty as error:
        raise NotUpcastable(str(error)) from None
    return {**payload, "parties": [{"id": party.id, "name": party.name} for party in named]}


STEPS: dict[tuple[str, int], Callable[[Payload], Payload]] = {
    ("agreement_registered", 1): _parties_get_ids,
}

CURRENT: dict[str, int] = {name: 1 + sum(1 for (stepped, _) in STEPS if stepped == name) for name in EVENT_TYPES}


def upcast(event_type: str, version: int, payload: Payload) -> Payload:
    """``payload``, written as ``version`` of ``event_type``, in the type's current shape."""
    current = CURRENT.get(event_type)
    if current is None:
        raise NotUpcastable(f"{event_type!r} is not an event type this release knows (written by a newer one?)")
    if not 1 <= version <= current:
        raise NotUpcastable(
            f"{event_type} is known up to version {current}; this payload is version {version}"
            " (written by a newer release?)"
        )
    for step in range(version, current):
        payload = STEPS[(event_type, step)](payload)
    return payload
