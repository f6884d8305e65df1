"""The domain of pact-chronology: what is recorded of an agreement, how it is written, the
rules of its life and what follows from them -- and, here, the face the service uses.

Written rule of this package: nothing here does I/O. No database, no clock, no network,
no files. Every function is a pure function of its arguments, so the whole history of an
agreement -- real or hypothetical -- can be replayed and tested in memory. The service
layer reads events from PostgreSQL and hands them in; "today" is always a parameter.

Its rooms, each importing only the ones before it:

- ``record/``: what is recorded -- the event types (with the readings' vocabulary), the
  envelope, parties, sources, how well a day is known, an agreement's terms and the date
  arithmetic of its periods;
- ``codec/``: how it is written on the wire -- strict fields, payload schemas, schema
  versions and their upcasters;
- ``rules/``: what may be recorded -- the fold state, the agreement's lifecycle and its
  notices, each party's own steps, corrections, and the one error they raise;
- ``replay/``: what follows from the record -- the fold, statuses, timelines, how an answer
  changed, deadlines, each party's status, and the parties' readings of a contested fact.

The service imports the domain only from here (an import-linter contract in
pyproject.toml), so the rooms may be re-laid without touching it.
"""

from events.codec.fields import (
    DAY_PATTERN,
    LATEST_DAY,
    STORABLE_TEXT_PATTERNS,
    Count,
    Day,
    Instant,
    Matching,
    QueryCount,
)
from events.codec.payloads import (
    PAYLOAD_SCHEMAS,
    SOURCES,
    TIMEZONES,
    AgreementRegisteredSchema,
    SourceSchema,
    TermsSchema,
    decode,
    encode,
    event_of,
)
from events.codec.versions import CURRENT, NotUpcastable, upcast
from events.record.envelope import NewEvent, Recorded
from events.record.parties import PARTY_ID_PATTERN, Party
from events.record.precision import Precision
from events.record.sources import Source
from events.record.terms import Terms
from events.record.types import (
    EVENT_TYPES,
    READINGS,
    REVISIONS,
    TYPE_NAMES,
    AgreementRegistered,
    ContextNoted,
    EnteredIntoForce,
    Event,
    Signed,
    type_name,
)
from events.replay.changes import changes
from events.replay.deadlines import Deadline, DeadlineKind, deadlines
from events.replay.dyads import DyadPhase, DyadSpan, dyads
from events.replay.fold import Replayer, check_history, continues, developments, replay
from events.replay.party_status import PartyStatus, party_statuses
from events.replay.status import Interval, Status, TerminationStatus, TermStatus
from events.replay.timeline import timeline
from events.rules.corrections import effective, target_of
from events.rules.errors import RuleViolation
from events.rules.recording import not_yet_happened, require_happened
from events.rules.state import PartyPhase, Phase, TerminationState

__all__ = [
    "AgreementRegistered",
    "AgreementRegisteredSchema",
    "CURRENT",
    "ContextNoted",
    "Count",
    "DAY_PATTERN",
    "Day",
    "Deadline",
    "DeadlineKind",
    "DyadPhase",
    "DyadSpan",
    "EVENT_TYPES",
    "EnteredIntoForce",
    "Event",
    "Instant",
    "Interval",
    "LATEST_DAY",
    "Matching",
    "NewEvent",
    "NotUpcastable",
    "PARTY_ID_PATTERN",
    "PAYLOAD_SCHEMAS",
    "Party",
    "PartyPhase",
    "PartyStatus",
    "Phase",
    "Precision",
    "QueryCount",
    "READINGS",
    "REVISIONS",
    "Recorded",
    "Replayer",
    "RuleViolation",
    "SOURCES",
    "STORABLE_TEXT_PATTERNS",
    "Signed",
    "Source",
    "SourceSchema",
    "Status",
    "TIMEZONES",
    "TYPE_NAMES",
    "TermStatus",
    "TerminationState",
    "TerminationStatus",
    "Terms",
    "TermsSchema",
    "changes",
    "check_history",
    "continues",
    "deadlines",
    "dyads",
    "decode",
    "developments",
    "effective",
    "encode",
    "event_of",
    "not_yet_happened",
    "party_statuses",
    "replay",
    "require_happened",
    "target_of",
    "timeline",
    "type_name",
    "upcast",
]
