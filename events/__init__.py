"""The domain of pact-chronology: event types, the rules of an agreement and the replay.

Written rule of this package: nothing here does I/O. No database, no clock, no network,
no files. Every function is a pure function of its arguments, so the whole history of an
agreement -- real or hypothetical -- can be replayed and tested in memory. The service
layer reads events from PostgreSQL and hands them in; "today" is always a parameter.
"""

from events.envelope import NewEvent, Recorded
from events.errors import RuleViolation
from events.replay import Replayer, check_history, developments, replay
from events.sources import Source
from events.status import Interval, Phase, Status, TerminationStatus, TermStatus
from events.terms import Terms
from events.timeline import timeline
from events.types import EVENT_TYPES, Event

__all__ = [
    "EVENT_TYPES",
    "Event",
    "Interval",
    "NewEvent",
    "Phase",
    "Recorded",
    "Replayer",
    "RuleViolation",
    "Source",
    "Status",
    "TermStatus",
    "TerminationStatus",
    "Terms",
    "check_history",
    "developments",
    "replay",
    "timeline",
]
