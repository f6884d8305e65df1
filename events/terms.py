"""Duration terms of an agreement and the date arithmetic that follows from them.

Terms are counted from the day of entry into force. Term 1 lasts the initial term; each
later term lasts one renewal period. Term starts are always computed from the origin
(entry into force + k months), never chained from the previous term, so an agreement that
entered into force on 29 February returns to 29 February in leap years instead of drifting
to the 28th for ever.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class Terms:
    """How long an agreement runs and how it may be ended, as its text says.

    ``initial_term_months`` None means no fixed term (in force until terminated);
    ``renewal_term_months`` None means no automatic renewal (it expires after term 1).
    The notice period is ``notice_days`` or ``notice_months`` ("six months' notice"), never
    both; neither means the text has no termination-by-notice clause.
    ``earliest_notice_months``: no notice may be given before entry into force plus this
    many months ("at any time after three years", as in the Paris Agreement, Art. 28) --
    in a multilateral agreement, its entry into force for the notifying party.
    Multilateral agreements only: ``withdrawal_effect_months``, a withdrawal takes effect
    that long after its notice (instead of by the notice period); ``minimum_parties``, the
    agreement ends when fewer remain bound (default 2); ``provisional_application``, a party
    may apply it before it is in force for that party.
    """

    initial_term_months: int | None = None
    renewal_term_months: int | None = None
    notice_days: int | None = None
    notice_months: int | None = None
    earliest_notice_months: int | None = None
    withdrawal_effect_months: int | None = None
    minimum_parties: int | None = None
    provisional_application: bool | None = None

    @property
    def notice_period(self) -> relativedelta | None:
        """The notice period, to add to or take from a day (months clamp to the month's end:
        six months before 31 August is 28 or 29 February); None without a notice clause."""
        if self.notice_months is not None:
            return relativedelta(months=self.notice_months)
        if self.notice_days is not None:
            return relativedelta(days=self.notice_days)
        return None


@dataclass(frozen=True, kw_only=True)
class Term:
    """One term of an agreement: ``ends_on`` is its last day, inclusive."""

    number: int
    started_on: date
    ends_on: date


def _term_start(terms: Terms, in_force_from: date, number: int) -> date:
    """First day of term ``number`` (1-based), counted from entry into force."""
    if number == 1:
        return in_force_from
    assert terms.initial_term_months is not None and terms.renewal_term_months is not None
    months = terms.initial_term_months + (number - 2) * terms.renewal_term_months
    return in_force_from + relativedelta(months=months)


def _term(terms: Terms, in_force_from: date, number: int) -> Term:
    start = _term_start(terms, in_force_from, number)
    if number == 1:
        assert terms.initial_term_months is not None
        end = in_force_from + relativedelta(months=terms.initial_term_months) - ONE_DAY
    else:
        end = _term_start(terms, in_force_from, number + 1) - ONE_DAY
    return Term(number=number, started_on=start, ends_on=end)


def term_on(terms: Terms, in_force_from: date, day: date) -> Term | None:
    """The term that contains ``day``, or None if the agreement has no term on that day.

    None when the agreement has no fixed term, when ``day`` precedes entry into force, or
    when a non-renewable agreement has run out.
    """
    if terms.initial_term_months is None or day < in_force_from:
        return None
    first = _term(terms, in_force_from, 1)
    if day <= first.ends_on:
        return first
    if terms.renewal_term_months is None:
        return None
    elapsed = relativedelta(day, first.ends_on + ONE_DAY)
    number = 2 + (elapsed.years * 12 + elapsed.months) // terms.renewal_term_months
    # Month clamping (31st, 29 February) can put the estimate one term off either way.
    while _term_start(terms, in_force_from, number) > day:
        number -= 1
    while _term_start(terms, in_force_from, number + 1) <= day:
        number += 1
    return _term(terms, in_force_from, number)


def next_term(terms: Terms, in_force_from: date, term: Term) -> Term | None:
    """The term after ``term``, or None when the agreement does not renew."""
    if terms.renewal_term_months is None:
        return None
    return _term(terms, in_force_from, term.number + 1)


def expires_on(terms: Terms, in_force_from: date) -> date | None:
    """First day without the agreement if it never renews, else None."""
    if terms.initial_term_months is None or terms.renewal_term_months is not None:
        return None
    return _term(terms, in_force_from, 1).ends_on + ONE_DAY


def earliest_notice_on(terms: Terms, in_force_from: date) -> date | None:
    """The first day a notice may be given, when the terms name one."""
    if terms.earliest_notice_months is None:
        return None
    return in_force_from + relativedelta(months=terms.earliest_notice_months)


def notice_deadline(terms: Terms, in_force_from: date, term: Term) -> date | None:
    """Last day on which a notice still ends the agreement at the end of ``term``; None when
    no notice can (no notice clause, or the deadline falls before the earliest notice day).

    A notice must be given the notice period "in advance" of the term's end: for GSOMIA
    that is 2019-11-22 minus 90 days = 2019-08-24, the deadline both governments used.
    """
    if terms.notice_period is None:
        return None
    deadline = term.ends_on - terms.notice_period
    earliest = earliest_notice_on(terms, in_force_from)
    return None if earliest is not None and deadline < earliest else deadline


def notice_effective_on(terms: Terms, in_force_from: date, notified_on: date) -> date:
    """First day on which the agreement is no longer in force after a notice given that day.

    A timely notice ends the agreement after the current term; a late one after the next
    term. An agreement without fixed terms ends the notice period after the notice.
    Callers must have checked that the terms have a notice clause, and that the notice was
    not given before the earliest notice day.
    """
    assert terms.notice_period is not None
    term = term_on(terms, in_force_from, notified_on)
    if term is None:
        return notified_on + terms.notice_period
    deadline = notice_deadline(terms, in_force_from, term)
    if deadline is not None and notified_on <= deadline:
        return term.ends_on + ONE_DAY
    following = next_term(terms, in_force_from, term)
    return (following or term).ends_on + ONE_DAY


def term_starts_between(terms: Terms, in_force_from: date, first: date, last: date) -> list[date]:
    """Start dates of terms 2, 3, ... that fall within [first, last]: the derived renewals."""
    if terms.initial_term_months is None or terms.renewal_term_months is None:
        return []
    starts: list[date] = []
    current = term_on(terms, in_force_from, max(first, in_force_from))
    number = current.number + 1 if current else 2
    while (start := _term_start(terms, in_force_from, number)) <= last:
        if start >= first:
            starts.append(start)
        number += 1
    return starts
