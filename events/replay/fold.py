"""The replay: an agreement's status on a day, and its timeline, from its events alone.

Both are pure functions of (events, day, known-at instant). ``known_at`` slices transaction
time: only events recorded at or before that instant count, so an answer once given for a
past ``known_at`` can never change.
"""

import threading
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cached_property

from events.codec.fields import LATEST_DAY
from events.record.envelope import Recorded
from events.record.parties import Party
from events.record.precision import Precision
from events.record.terms import notice_deadline, term_on
from events.record.types import REVISIONS, AgreementRegistered
from events.replay.readings import latest_readings, renewal_contest
from events.replay.status import Status, TerminationStatus, TermStatus, Uncertainty, once_each
from events.rules.corrections import effective
from events.rules.lifecycle import apply, settle, valid_time_order
from events.rules.state import Agreement, Phase


def check_history(records: Iterable[Recorded]) -> Agreement:
    """Fold a whole stream, corrections applied; raise RuleViolation at the first forbidden event."""
    state = Agreement()
    for record in valid_time_order(effective(records)):
        state = apply(state, record)
    return state


def developments(records: Iterable[Recorded], known_at: datetime | None = None) -> list[Recorded]:
    """What the stream says happened, as known at ``known_at``: corrected, in valid-time order."""
    return valid_time_order(effective(known(records, known_at)))


def known(records: Iterable[Recorded], known_at: datetime | None) -> list[Recorded]:
    """The records already recorded at ``known_at`` (all of them when it is None)."""
    if known_at is None:
        return list(records)
    return [r for r in records if r.recorded_at <= known_at]


def replay(
    records: Iterable[Recorded], on: date, known_at: datetime | None = None, perspective: Party | None = None
) -> Status:
    """The agreement's status on ``on`` as known at ``known_at``, as ``perspective`` reads it."""
    ordered = developments(records, known_at)
    return status_of(fold(ordered, until=on), on, latest_readings(ordered), perspective)


class Replayer:
    """Statuses on any day from one stream as known at one instant, each applying at most
    CHECKPOINT events however long the stream is.

    The stream is put in valid-time order once. A fold up to a day applies the registration
    and then exactly the events dated on or before that day -- a prefix of that order -- so
    the fold states after every CHECKPOINT events (kept as they are first needed) are where
    every later fold can start. ``status(on)`` always equals ``replay(records, on, known_at)``.
    """

    CHECKPOINT = 64

    def __init__(self, records: Iterable[Recorded], known_at: datetime | None = None) -> None:
        self._adopt(developments(records, known_at), [Agreement()])

    def _adopt(self, ordered: list[Recorded], checkpoints: list[Agreement]) -> None:
        """Take a valid-time order, and fold checkpoints of it (or of a prefix of it)."""
        self.ordered = ordered
        self._registered = bool(ordered) and isinstance(ordered[0].event, AgreementRegistered)
        self._days = [record.event.occurred_on for record in ordered[1:]]
        self._checkpoints = list(checkpoints)
        self._extending = threading.Lock()  # one replayer may serve several threads

    def extended(self, records: Sequence[Recorded]) -> "Replayer | None":
        """This replayer with ``records`` (the stream's next versions) added, sharing its
        checkpoints -- or None unless they simply continue the story: plain developments
        (no registration, correction or retraction), dated in order, none before
        ``last_day``. Then the new order is the old one followed by them."""
        if not continues(self, records):
            return None
        longer = Replayer.__new__(Replayer)  # the order is known: no need to compute it again
        longer._adopt([*self.ordered, *records], self._checkpoints)
        return longer

    def check_continuation(self, records: Sequence[Recorded]) -> Agreement:
        """What ``check_history`` of the stream followed by ``records`` gives -- raising
        RuleViolation at the first forbidden one -- for records that ``continues`` accepts:
        they are applied to the kept fold of the whole stream instead of folding it again."""
        state = self.state(LATEST_DAY)
        for record in records:
            state = apply(state, record)
        return state

    @property
    def last_day(self) -> date:
        """The latest day any of the stream's developments happened on (the registration
        may be dated after the events it follows in the order)."""
        return max((record.event.occurred_on for record in self.ordered[:1] + self.ordered[-1:]), default=date.min)

    def status(self, on: date, perspective: Party | None = None) -> Status:
        return status_of(self.state(on), on, self.readings, perspective)

    @cached_property
    def readings(self) -> tuple[Recorded, ...]:
        return latest_readings(self.ordered)

    def state(self, until: date) -> Agreement:
        """What ``fold(self.ordered, until)`` gives, from the nearest checkpoint."""
        due = 1 + bisect_right(self._days, until) if self._registered else len(self.ordered)
        start = due // self.CHECKPOINT * self.CHECKPOINT
        state = self._checkpoint(due // self.CHECKPOINT)
        for record in self.ordered[start:due]:
            state = apply(state, record)
        return state

    def _checkpoint(self, index: int) -> Agreement:
        with self._extending:
            while len(self._checkpoints) <= index:
                start = (len(self._checkpoints) - 1) * self.CHECKPOINT
                state = self._checkpoints[-1]
                for record in self.ordered[start : start + self.CHECKPOINT]:
                    state = apply(state, record)
                self._checkpoints.append(state)
            return self._checkpoints[index]


def continues(replayer: Replayer, records: Sequence[Recorded]) -> bool:
    """Whether ``records`` follow the replayer's stream in valid time as well as in versions:
    then its fold of the stream, with them applied after, is the fold of the whole."""
    days = [record.event.occurred_on for record in records]
    plain = not any(isinstance(record.event, (AgreementRegistered, *REVISIONS)) for record in records)
    return plain and bool(replayer.ordered) and days == sorted(days) and (not days or days[0] >= replayer.last_day)


def fold(ordered: Iterable[Recorded], until: date) -> Agreement:
    """Apply the events (in valid-time order) that happened on or before ``until``."""
    state = Agreement()
    for record in ordered:
        if not due(record, until, state):
            break
        state = apply(state, record)
    return state


def due(record: Recorded, day: date, state: Agreement) -> bool:
    """Whether a fold up to ``day`` applies ``record``: the registration always comes first."""
    return record.event.occurred_on <= day or state.registered is None


def status_of(
    state: Agreement, on: date, readings: Sequence[Recorded] = (), perspective: Party | None = None
) -> Status:
    """Turn the fold state into the public status on ``on``, letting time run first. Where
    the parties' ``readings`` of that day differ, the term is ``perspective``'s reading's;
    from no perspective it is the text's, marked disputed, beside every reading's."""
    state = settle(state, on)
    if state.registered is None:
        return Status(phase=Phase.UNKNOWN, since=None)
    # A multilateral agreement's notices are withdrawals (see GET .../parties), not its end.
    notice = state.notice if state.phase is Phase.IN_FORCE and not state.multilateral else None
    termination = None
    if notice is not None:
        termination = TerminationStatus(
            state=notice.state,
            notified_on=notice.notified_on,
            notified_by=notice.notified_by.name,
            effective_on=notice.effective_on,
            suspended_on=notice.suspended_on,
            conditional=notice.conditional,
        )
    # Why this answer: the terms, the step that began the phase (and, once signed, the
    # signature the later phases rest on), and the notice, its suspension and reactivation.
    based_on = [state.registered, state.signature, state.phase_event]
    for given in state.notices if state.phase is Phase.IN_FORCE else ():
        based_on += given.records
    term = _term_status(state, on)
    contested = None
    if notice is not None and notice.suspension is not None and notice.suspended_on is not None:
        contested = renewal_contest(readings, notice.suspension, state.registration.parties, term)
    if contested is not None:
        reading = contested.of(perspective)
        term = reading.term if reading is not None else term
        based_on += [held.record for held in contested.readings]
    provenance = once_each(based_on)
    step = state.phase_event.event if state.phase_event is not None else None
    if step is not None and on < step.latest_on:
        uncertain = Uncertainty(
            earliest=step.occurred_on,
            latest=step.latest_on,
            precision=step.date_precision,
            phase_before=state.phase_before,
            phase_after=state.phase,
        )
        return Status(phase=Phase.UNCERTAIN, since=step.occurred_on, uncertain=uncertain, based_on=provenance)
    return Status(
        phase=state.phase,
        since=state.since,
        since_precision=step.date_precision if step is not None else Precision.DAY,
        termination=termination,
        term=term,
        contested=contested,
        in_force_for=len(state.in_force_for()) if state.multilateral and state.phase is Phase.IN_FORCE else None,
        based_on=provenance,
    )


def _term_status(state: Agreement, on: date) -> TermStatus | None:
    if state.phase is not Phase.IN_FORCE or state.in_force_from is None:
        return None
    terms = state.registration.terms
    term = term_on(terms, state.in_force_from, on)
    if term is None:
        return None
    notice = state.notice
    return TermStatus(
        number=term.number,
        started_on=term.started_on,
        ends_on=term.ends_on,
        notice_deadline=notice_deadline(terms, state.in_force_from, term),
        # While the effect of a notice is suspended, the parties may disagree on whether the
        # automatic renewal runs (GSOMIA 2020-2022); the terms are still computed by the text.
        renewal_disputed=notice is not None and notice.suspended_on is not None,
    )
