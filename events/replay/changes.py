"""How knowledge of one day's status changed over transaction time."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from events.record.envelope import Recorded
from events.replay.fold import replay
from events.replay.status import Status
from events.rules.state import Phase


@dataclass(frozen=True, kw_only=True)
class Change:
    """At ``recorded_at``, ``records`` were stored and the answer for the day went from ``before`` to ``after``."""

    recorded_at: datetime
    before: Status
    after: Status
    records: tuple[Recorded, ...]


def changes(records: Sequence[Recorded], on: date) -> list[Change]:
    """Every recorded change of the status on ``on``, oldest first.

    Events are recorded in batches that share one instant; only instants after which the
    answer differs (ignoring which events it rests on) are listed.
    """
    found: list[Change] = []
    before = Status(phase=Phase.UNKNOWN, since=None)
    for instant in sorted({record.recorded_at for record in records}):
        after = replay(records, on, known_at=instant)
        if replace(after, based_on=()) != replace(before, based_on=()):
            batch = tuple(record for record in records if record.recorded_at == instant)
            found.append(Change(recorded_at=instant, before=before, after=after, records=batch))
        before = after
    return found
