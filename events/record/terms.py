"""Duration terms of an agreement and the date arithmetic that follows from them.

A period counted in months or years ends as both parties' civil codes say (Japan, Civil
Code Art. 143(2); Korea, Civil Act Art. 160(2)-(3)): on the day before the day that
corresponds, in its last month, to the day it began -- and when that month has no such day,
on that month's last day (``period_end``). So a year from 29 February 2020 runs to
28 February 2021, six months from 31 March to 30 September. The day a period begins is its
first day, as the sources count GSOMIA's terms (in force 2016-11-23, a term to 11-22).

Terms are counted from the day of entry into force. Term 1 lasts the initial term; term k
ends where a period of the initial term plus k-1 renewal periods from entry into force
ends, and the next term begins the day after. Every end is counted from the origin, never
chained from the previous term, so an agreement that entered into force on 29 February
comes back to it in leap years instead of drifting to the 28th for ever.
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
    def has_notice_clause(self) -> bool:
        return self.notice_days is not None or self.notice_months is not None


@dataclass(frozen=True, kw_only=True)
class Term:
    """One term of an agreement: ``ends_on`` is its last day, inclusive."""

    number: int
    started_on: date
    ends_on: date


def period_end(start: date, months: int) -> date:
    """The last day of a period of ``months`` months whose first day is ``start``: the day
    before the corresponding day of its last month or, when that month has none (a start
    on the 29th to 31st, a shorter month), that month's last day."""
    corresponding = start + relativedelta(months=months)  # dateutil clips to the month's end
    return corresponding if corresponding.day != start.day else corresponding - ONE_DAY


def after_months(start: date, months: int) -> date:
    """The first day after a period of ``months`` months whose first day is ``start``."""
    return period_end(start, months) + ONE_DAY


def _term_end(terms: Terms, in_force_from: date, number: int) -> date:
    """Last day of term ``number`` (1-based), counted from entry into force."""
    assert terms.initial_term_months is not None
    months = terms.initial_term_months
    if number > 1:
        assert terms.renewal_term_months is not None
        months += (number - 1) * terms.renewal_term_months
    return period_end(in_force_from, months)


def _term_start(terms: Terms, in_force_from: date, number: int) -> date:
    """First day of term ``number`` (1-based): entry into force, or the day after the term before."""
    return in_force_from if number == 1 else _term_end(terms, in_force_from, number - 1) + ONE_DAY


def _term(terms: Terms, in_force_from: date, number: int) -> Term:
    return Term(
        number=number,
        started_on=_term_start(terms, in_force_from, number),
        ends_on=_term_end(terms, in_force_from, number),
    )


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
    return after_months(in_force_from, terms.earliest_notice_months)


def notice_deadline(terms: Terms, in_force_from: date, term: Term) -> date | None:
    """Last day on which a notice still ends the agreement at the end of ``term``; None when
    no notice can (no notice clause, or the deadline falls before the earliest notice day).

    A notice must be given the notice period "in advance" of the term's end: for GSOMIA
    that is 2019-11-22 minus 90 days = 2019-08-24, the deadline both governments used. A
    notice period in months must run whole, counted from the notice's day, by the term's
    last day (``latest_start``).
    """
    if terms.notice_months is not None:
        deadline = latest_start(terms.notice_months, term.ends_on)
    elif terms.notice_days is not None:
        deadline = term.ends_on - timedelta(days=terms.notice_days)
    else:
        return None
    earliest = earliest_notice_on(terms, in_force_from)
    return None if earliest is not None and deadline < earliest else deadline


def notice_effective_on(terms: Terms, in_force_from: date, notified_on: date) -> date:
    """First day on which the agreement is no longer in force after a notice given that day.

    A timely notice ends the agreement after the current term; a late one after the next
    term. An agreement without fixed terms ends the notice period after the notice.
    Callers must have checked that the terms have a notice clause, and that the notice was
    not given before the earliest notice day.
    """
    term = term_on(terms, in_force_from, notified_on)
    if term is None:
        return notice_runs_out(terms, notified_on)
    deadline = notice_deadline(terms, in_force_from, term)
    if deadline is not None and notified_on <= deadline:
        return term.ends_on + ONE_DAY
    following = next_term(terms, in_force_from, term)
    return (following or term).ends_on + ONE_DAY


def notice_runs_out(terms: Terms, notified_on: date) -> date:
    """The first day after a notice period that begins on the day of the notice."""
    if terms.notice_months is not None:
        return after_months(notified_on, terms.notice_months)
    assert terms.notice_days is not None, "the terms have no notice clause"
    return notified_on + timedelta(days=terms.notice_days)


def latest_start(months: int, last: date) -> date:
    """The last day a period of ``months`` months may begin on and still end by ``last``.

    Periods that begin on neighbouring days can end on the same day (six months from any
    day of 29 August to 1 September 2020 end on 28 February 2021) or days apart,
    so the day found by counting back is moved to the last start that fits.
    """
    start = last + ONE_DAY - relativedelta(months=months)
    while period_end(start, months) > last:
        start -= ONE_DAY
    while period_end(start + ONE_DAY, months) <= last:
        start += ONE_DAY
    return start


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
