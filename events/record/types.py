"""One frozen dataclass per development in an agreement's life, named in the past tense.

The stored type of an event is the stable string in ``EVENT_TYPES``, never a Python path,
so classes can be renamed or moved without touching stored data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from events.record.parties import Party
from events.record.precision import Precision, last_day
from events.record.sources import Source
from events.record.terms import Terms


@dataclass(frozen=True, kw_only=True)
class Event:
    """What every development has: the day it happened (valid time), how well that day is
    known, and who was involved."""

    occurred_on: date
    summary: str = ""
    actors: tuple[str, ...] = ()
    place: str | None = None
    note: str | None = None
    date_precision: Precision = Precision.DAY

    @property
    def latest_on(self) -> date:
        """The last day it may have happened on: ``occurred_on`` unless known only to the month or year."""
        return last_day(self.occurred_on, self.date_precision)


@dataclass(frozen=True, kw_only=True)
class AgreementRegistered(Event):
    """The agreement enters the chronology: its parties and the terms its text sets
    (``terms_recorded`` false when the chronology does not know its duration clause)."""

    title: str
    parties: tuple[Party, ...]
    terms: Terms
    terms_recorded: bool = True
    legally_binding: bool = True
    timezone: str = "UTC"

    def party(self, named: str) -> Party | None:
        """The party that later events name ``named``: by its id, or by its name as registered."""
        return next((party for party in self.parties if named in (party.id, party.name)), None)


@dataclass(frozen=True, kw_only=True)
class NegotiationsOpened(Event):
    """The parties agree to negotiate."""


@dataclass(frozen=True, kw_only=True)
class TalksRoundHeld(Event):
    """A round of negotiations took place; it changes no status."""

    round: int | None = None


@dataclass(frozen=True, kw_only=True)
class NegotiationsStalled(Event):
    """Negotiations broke off or a planned signing was aborted."""


@dataclass(frozen=True, kw_only=True)
class NegotiationsResumed(Event):
    """Stalled negotiations start again."""


@dataclass(frozen=True, kw_only=True)
class Initialed(Event):
    """The negotiators initial (provisionally sign) the agreed text."""


@dataclass(frozen=True, kw_only=True)
class DomesticallyApproved(Event):
    """One party completes a domestic step (cabinet approval, ratification)."""

    party: str


@dataclass(frozen=True, kw_only=True)
class Signed(Event):
    """The agreement is signed (by every party: a bilateral signing, or a multilateral one
    whose signatures the chronology does not tell apart)."""


@dataclass(frozen=True, kw_only=True)
class PartySigned(Event):
    """One party signs a multilateral agreement, on its own day."""

    party: str


CONSENTS = ("ratification", "acceptance", "approval", "accession", "succession")


@dataclass(frozen=True, kw_only=True)
class ConsentExpressed(Event):
    """One party consents to be bound, by one of ``CONSENTS`` (kept apart: a party that
    accedes never signed)."""

    party: str
    means: str


@dataclass(frozen=True, kw_only=True)
class ProvisionalApplicationBegan(Event):
    """One party begins to apply the agreement before it is in force for it, as its terms allow."""

    party: str


@dataclass(frozen=True, kw_only=True)
class WithdrawalTookEffect(Event):
    """A party's pending notice took effect on this day, as the sources record it (the day its
    notice period gives need not be it): the agreement ends for that party -- and, bilateral,
    for both."""

    party: str


@dataclass(frozen=True, kw_only=True)
class EnteredIntoForceFor(Event):
    """The agreement, already in force, enters into force for one more party that consented."""

    party: str


@dataclass(frozen=True, kw_only=True)
class EnteredIntoForce(Event):
    """The agreement takes effect; term 1 starts on this day. ``signature_unrecorded``: it
    was signed, on a day the chronology does not know, so no signing event precedes it."""

    signature_unrecorded: bool = False


@dataclass(frozen=True, kw_only=True)
class TerminationNotified(Event):
    """A party gives written notice of its intention to terminate."""

    notified_by: str


@dataclass(frozen=True, kw_only=True)
class TerminationNoticeSuspended(Event):
    """The notifying party suspends the effect of its notice; the agreement stays in force."""

    suspended_by: str
    conditional: bool = False
    condition: str | None = None


@dataclass(frozen=True, kw_only=True)
class TerminationNoticeReactivated(Event):
    """The notifying party ends the suspension of its notice, which then takes effect on
    ``effective_on`` (the first day out of force), as that party declares it."""

    reactivated_by: str
    effective_on: date


@dataclass(frozen=True, kw_only=True)
class TerminationNoticeWithdrawn(Event):
    """A pending or suspended notice is withdrawn: the agreement is plainly in force again."""

    withdrawn_by: str


@dataclass(frozen=True, kw_only=True)
class Terminated(Event):
    """The agreement ends by an act other than a notice (mutual consent, replacement)."""


# The facts the parties may read differently, and the readings a party may hold of each
# (how an answer follows them: events/replay/readings.py).
RENEWS, DOES_NOT_APPLY = "renews", "does_not_apply"
READINGS: dict[str, tuple[str, ...]] = {"renewal": (RENEWS, DOES_NOT_APPLY)}


@dataclass(frozen=True, kw_only=True)
class ReadingHeld(Event):
    """A party's reading of a fact the parties contest: ``fact`` names it, ``reading`` says
    how this party reads it, ``concerns`` is the event the fact arose from.

    The one contested fact known so far is the yearly renewal while a termination notice is
    suspended (GSOMIA 2019-2023: Japan read it as running, the ROK as not applying), so
    ``fact`` is "renewal", ``reading`` "renews" or "does_not_apply", and ``concerns`` the
    suspension. A reading is about the whole time the suspension lasts, whenever stated.
    """

    held_by: str
    fact: str
    reading: str
    concerns: UUID


@dataclass(frozen=True, kw_only=True)
class ContextNoted(Event):
    """A statement, announcement or world event that belongs on the timeline but changes no status."""


@dataclass(frozen=True, kw_only=True)
class EventCorrected(Event):
    """An earlier event of the stream was wrong in its day, payload or sources.

    The original stays as recorded; from the moment this correction is recorded, replays
    read the original with these values instead. Payload fields given here replace the
    original's; fields not given stay. ``occurred_on`` is the day the correction was made.
    """

    corrects: UUID
    reason: str
    corrected_occurred_on: date | None = None
    corrected_payload: Mapping[str, Any] | None = None
    corrected_sources: tuple[Source, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class EventRetracted(Event):
    """An earlier event should never have been recorded; replays ignore it from now on."""

    retracts: UUID
    reason: str


EVENT_TYPES: dict[str, type[Event]] = {
    "agreement_registered": AgreementRegistered,
    "negotiations_opened": NegotiationsOpened,
    "talks_round_held": TalksRoundHeld,
    "negotiations_stalled": NegotiationsStalled,
    "negotiations_resumed": NegotiationsResumed,
    "initialed": Initialed,
    "domestically_approved": DomesticallyApproved,
    "signed": Signed,
    "party_signed": PartySigned,
    "consent_expressed": ConsentExpressed,
    "entered_into_force_for": EnteredIntoForceFor,
    "provisional_application_began": ProvisionalApplicationBegan,
    "withdrawal_took_effect": WithdrawalTookEffect,
    "entered_into_force": EnteredIntoForce,
    "termination_notified": TerminationNotified,
    "termination_notice_suspended": TerminationNoticeSuspended,
    "termination_notice_reactivated": TerminationNoticeReactivated,
    "termination_notice_withdrawn": TerminationNoticeWithdrawn,
    "terminated": Terminated,
    "reading_held": ReadingHeld,
    "context_noted": ContextNoted,
    "event_corrected": EventCorrected,
    "event_retracted": EventRetracted,
}

# Events about the record rather than about the agreement: they act in transaction time.
REVISIONS = (EventCorrected, EventRetracted)

TYPE_NAMES: dict[type[Event], str] = {cls: name for name, cls in EVENT_TYPES.items()}


def type_name(event: Event) -> str:
    """The stored type string of ``event``."""
    return TYPE_NAMES[type(event)]
