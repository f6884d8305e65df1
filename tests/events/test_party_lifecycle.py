"""Every party's own story: signatures, consents and entries into force on their own days,
and a withdrawal after which the agreement stays in force for the others."""

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest

from events import PartyPhase, Phase, Recorded, RuleViolation, Terms, check_history, party_statuses, replay
from events.record.parties import Party
from events.record.types import (
    AgreementRegistered,
    ConsentExpressed,
    EnteredIntoForce,
    EnteredIntoForceFor,
    Event,
    PartySigned,
    ProvisionalApplicationBegan,
    TerminationNotified,
    WithdrawalTookEffect,
)
from events.replay.fold import Replayer
from tests.events.histories import gsomia, recorded

OPEN_ENDED = Terms(notice_days=90)
FOUR = (Party("a", "A"), Party("b", "B"), Party("c", "C"), Party("d", "D"))


def registered() -> AgreementRegistered:
    return AgreementRegistered(occurred_on=date(2000, 1, 1), title="Four", parties=FOUR, terms=OPEN_ENDED)


def story(*later: Event) -> list[Recorded]:
    """A, B and C sign; A and B ratify; in force on 2001-01-01 for A and B; then ``later``."""
    steps: list[Event] = [
        registered(),
        *(PartySigned(occurred_on=date(2000, 3, day), party=party) for day, party in ((1, "a"), (2, "b"), (3, "c"))),
        ConsentExpressed(occurred_on=date(2000, 6, 1), party="a", means="ratification"),
        ConsentExpressed(occurred_on=date(2000, 7, 1), party="b", means="approval"),
        EnteredIntoForce(occurred_on=date(2001, 1, 1)),
        *later,
    ]
    return recorded(steps)


def statuses(history: list[Recorded], on: date) -> dict[str, tuple[PartyPhase, date | None]]:
    return {s.party.id: (s.status, s.since) for s in party_statuses(Replayer(history), on)}


def test_each_party_signs_consents_and_is_bound_on_its_own_days() -> None:
    history = story(
        ConsentExpressed(occurred_on=date(2001, 6, 1), party="c", means="ratification"),
        ConsentExpressed(occurred_on=date(2001, 7, 1), party="d", means="accession"),
        EnteredIntoForceFor(occurred_on=date(2001, 9, 1), party="c"),
    )

    assert statuses(history, date(2000, 2, 1)) == {p.id: (PartyPhase.NOT_PARTY, None) for p in FOUR}
    assert statuses(history, date(2000, 12, 31)) == {
        "a": (PartyPhase.CONSENTED, date(2000, 6, 1)),
        "b": (PartyPhase.CONSENTED, date(2000, 7, 1)),
        "c": (PartyPhase.SIGNED, date(2000, 3, 3)),
        "d": (PartyPhase.NOT_PARTY, None),
    }
    assert statuses(history, date(2001, 8, 1)) == {
        "a": (PartyPhase.IN_FORCE, date(2001, 1, 1)),
        "b": (PartyPhase.IN_FORCE, date(2001, 1, 1)),
        "c": (PartyPhase.CONSENTED, date(2001, 6, 1)),
        "d": (PartyPhase.CONSENTED, date(2001, 7, 1)),
    }
    assert statuses(history, date(2001, 9, 1))["c"] == (PartyPhase.IN_FORCE, date(2001, 9, 1))
    assert replay(history, date(2000, 3, 1)).phase is Phase.SIGNED  # the first signature signs it


def test_one_party_withdraws_and_the_agreement_stays_in_force_for_the_others() -> None:
    history = story(
        ConsentExpressed(occurred_on=date(2001, 6, 1), party="c", means="ratification"),
        EnteredIntoForceFor(occurred_on=date(2001, 9, 1), party="c"),
        TerminationNotified(occurred_on=date(2003, 1, 1), notified_by="a"),
    )

    pending = party_statuses(Replayer(history), date(2003, 3, 31))
    after = statuses(history, date(2003, 4, 1))

    assert pending[0].status is PartyPhase.WITHDRAWAL_PENDING
    assert pending[0].notice is not None and pending[0].notice.effective_on == date(2003, 4, 1)
    assert after["a"] == (PartyPhase.WITHDRAWN, date(2003, 4, 1))
    assert (after["b"], after["c"]) == (
        (PartyPhase.IN_FORCE, date(2001, 1, 1)),
        (PartyPhase.IN_FORCE, date(2001, 9, 1)),
    )
    agreement = replay(history, date(2003, 4, 1))
    assert agreement.phase is Phase.IN_FORCE and agreement.termination is None


def test_below_two_parties_the_agreement_ends_for_all() -> None:
    history = story(
        TerminationNotified(occurred_on=date(2003, 1, 1), notified_by="a"),
    )

    ended = replay(history, date(2003, 4, 1))

    assert (ended.phase, ended.since) == (Phase.TERMINATED, date(2003, 4, 1))
    assert statuses(history, date(2003, 4, 1)) == {
        "a": (PartyPhase.WITHDRAWN, date(2003, 4, 1)),
        "b": (PartyPhase.NOT_PARTY, date(2003, 4, 1)),
        "c": (PartyPhase.NOT_PARTY, date(2003, 4, 1)),
        "d": (PartyPhase.NOT_PARTY, date(2003, 4, 1)),
    }


@pytest.mark.parametrize(
    ("later", "reason"),
    [
        ((ConsentExpressed(occurred_on=date(2001, 2, 1), party="d", means="ratification"),), "never signed"),
        ((ConsentExpressed(occurred_on=date(2001, 2, 1), party="a", means="approval"),), "consented already"),
        ((EnteredIntoForceFor(occurred_on=date(2001, 2, 1), party="c"),), "not C"),
        ((TerminationNotified(occurred_on=date(2001, 2, 1), notified_by="c"),), "does not bind C"),
        ((PartySigned(occurred_on=date(2001, 2, 1), party="e"),), "not a party"),
    ],
)
def test_what_a_party_cannot_do(later: tuple[Event, ...], reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason):
        check_history(story(*later))


def test_an_entry_into_force_needs_two_consents() -> None:
    steps: list[Event] = [
        registered(),
        PartySigned(occurred_on=date(2000, 3, 1), party="a"),
        ConsentExpressed(occurred_on=date(2000, 6, 1), party="a", means="ratification"),
        EnteredIntoForce(occurred_on=date(2001, 1, 1)),
    ]

    with pytest.raises(RuleViolation, match="fewer than two"):
        check_history(recorded(steps))


@pytest.mark.parametrize(
    ("on", "korea", "japan"),
    [
        (date(2012, 5, 1), PartyPhase.NOT_PARTY, PartyPhase.NOT_PARTY),
        (date(2017, 1, 1), PartyPhase.IN_FORCE, PartyPhase.IN_FORCE),
        (date(2019, 9, 1), PartyPhase.WITHDRAWAL_PENDING, PartyPhase.IN_FORCE),
        (date(2020, 9, 1), PartyPhase.IN_FORCE, PartyPhase.IN_FORCE),
        (date(2024, 1, 1), PartyPhase.IN_FORCE, PartyPhase.IN_FORCE),
    ],
)
def test_gsomias_parties_follow_the_agreements_own_steps(on: date, korea: PartyPhase, japan: PartyPhase) -> None:
    found = {s.party.id: s for s in party_statuses(Replayer(gsomia()), on)}

    assert (found["KOR"].status, found["JPN"].status) == (korea, japan)
    if on == date(2019, 9, 1):
        assert found["KOR"].notice is not None and found["KOR"].notice.effective_on == date(2019, 11, 23)
    if on == date(2020, 9, 1):
        assert found["KOR"].notice is not None and found["KOR"].notice.suspended_on == date(2019, 11, 22)


def terms_registered(terms: Terms) -> AgreementRegistered:
    return AgreementRegistered(occurred_on=date(2000, 1, 1), title="Four", parties=FOUR, terms=terms)


def four_bound(terms: Terms, *later: Event) -> list[Recorded]:
    """All four sign and ratify; in force for all on 2001-01-01; then ``later``."""
    steps: list[Event] = [terms_registered(terms)]
    for party in ("a", "b", "c", "d"):
        steps += [
            PartySigned(occurred_on=date(2000, 3, 1), party=party),
            ConsentExpressed(occurred_on=date(2000, 6, 1), party=party, means="ratification"),
        ]
    return recorded([*steps, EnteredIntoForce(occurred_on=date(2001, 1, 1)), *later])


def test_a_withdrawal_takes_effect_the_terms_delay_after_its_notice() -> None:
    history = four_bound(
        Terms(withdrawal_effect_months=12), TerminationNotified(occurred_on=date(2004, 2, 29), notified_by="a")
    )

    # Twelve months from 29 February 2004 run to 28 February 2005 (no 29th that year).
    assert statuses(history, date(2005, 2, 28))["a"][0] is PartyPhase.WITHDRAWAL_PENDING
    assert statuses(history, date(2005, 3, 1))["a"] == (PartyPhase.WITHDRAWN, date(2005, 3, 1))
    assert replay(history, date(2005, 3, 1)).in_force_for == 3


def test_below_the_terms_minimum_the_agreement_ends() -> None:
    history = four_bound(
        Terms(notice_days=30, minimum_parties=3),
        TerminationNotified(occurred_on=date(2004, 1, 1), notified_by="a"),
        TerminationNotified(occurred_on=date(2004, 6, 1), notified_by="b"),
    )

    assert (replay(history, date(2004, 3, 1)).phase, replay(history, date(2004, 3, 1)).in_force_for) == (
        Phase.IN_FORCE,
        3,
    )
    ended = replay(history, date(2004, 7, 1))
    assert (ended.phase, ended.since, ended.in_force_for) == (Phase.TERMINATED, date(2004, 7, 1), None)


def test_the_earliest_notice_day_counts_from_the_partys_own_entry_into_force() -> None:
    terms = Terms(notice_days=30, earliest_notice_months=36)
    late = [
        ConsentExpressed(occurred_on=date(2001, 6, 1), party="c", means="ratification"),
        EnteredIntoForceFor(occurred_on=date(2002, 1, 1), party="c"),
    ]
    base = recorded(
        [
            terms_registered(terms),
            *(PartySigned(occurred_on=date(2000, 3, d), party=p) for d, p in ((1, "a"), (2, "b"), (3, "c"))),
            ConsentExpressed(occurred_on=date(2000, 6, 1), party="a", means="ratification"),
            ConsentExpressed(occurred_on=date(2000, 7, 1), party="b", means="approval"),
            EnteredIntoForce(occurred_on=date(2001, 1, 1)),
            *late,
        ]
    )
    early = TerminationNotified(occurred_on=date(2004, 6, 1), notified_by="c")

    with pytest.raises(RuleViolation, match="before 2005-01-01"):
        check_history([*base, replace(base[-1], event=early, event_id=uuid4(), version=len(base) + 1)])
    assert check_history([*base, replace(base[-1], event=replace(early, notified_by="a"), event_id=uuid4(),
                                         version=len(base) + 1)]).notices  # fmt: skip


def test_a_party_may_apply_it_provisionally_when_the_terms_allow() -> None:
    history = story(ProvisionalApplicationBegan(occurred_on=date(2001, 2, 1), party="c"))
    provisional = Terms(notice_days=90, provisional_application=True)
    allowed = [replace(history[0], event=replace(history[0].event, terms=provisional)), *history[1:]]

    with pytest.raises(RuleViolation, match="no provisional application"):
        check_history(history)
    assert statuses(allowed, date(2001, 2, 1))["c"] == (PartyPhase.PROVISIONALLY_APPLYING, date(2001, 2, 1))
    assert statuses(allowed, date(2001, 1, 31))["c"] == (PartyPhase.SIGNED, date(2000, 3, 3))


def test_had_the_2019_notice_not_been_suspended_the_rok_withdrew_and_japan_was_a_party_no_more() -> None:
    history = gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"})

    found = {s.party.id: (s.status, s.since) for s in party_statuses(Replayer(history), date(2019, 11, 23))}

    assert found == {
        "KOR": (PartyPhase.WITHDRAWN, date(2019, 11, 23)),
        "JPN": (PartyPhase.NOT_PARTY, date(2019, 11, 23)),
    }


def test_a_withdrawal_takes_effect_on_the_day_the_sources_record() -> None:
    history = story(
        ConsentExpressed(occurred_on=date(2001, 6, 1), party="c", means="ratification"),
        EnteredIntoForceFor(occurred_on=date(2001, 9, 1), party="c"),
        TerminationNotified(occurred_on=date(2003, 1, 1), notified_by="c"),
        WithdrawalTookEffect(occurred_on=date(2003, 2, 1), party="c"),
    )

    assert statuses(history, date(2003, 2, 1))["c"] == (PartyPhase.WITHDRAWN, date(2003, 2, 1))
    assert replay(history, date(2003, 2, 1)).in_force_for == 2
    with pytest.raises(RuleViolation, match="no pending notice"):
        check_history(story(WithdrawalTookEffect(occurred_on=date(2003, 2, 1), party="a")))


def test_in_a_bilateral_agreement_a_withdrawal_taking_effect_ends_it_for_both() -> None:
    """GSOMIA until its 2019 notice, which (in this what-if) took effect on 1 October."""
    history = gsomia(without={"termination_notice_suspended", "termination_notice_withdrawn"})
    notice_at = next(i for i, r in enumerate(history) if isinstance(r.event, TerminationNotified))
    history = [r for r in history[: notice_at + 1] if r.event.occurred_on <= date(2019, 8, 23)]
    effect = WithdrawalTookEffect(occurred_on=date(2019, 10, 1), party="KOR")
    history = [*history, replace(history[-1], event=effect, event_id=uuid4(), version=len(history) + 1)]

    ended = replay(history, date(2019, 10, 1))
    found = {s.party.id: (s.status, s.since) for s in party_statuses(Replayer(history), date(2019, 10, 1))}

    assert (ended.phase, ended.since) == (Phase.TERMINATED, date(2019, 10, 1))
    assert found == {"KOR": (PartyPhase.WITHDRAWN, date(2019, 10, 1)), "JPN": (PartyPhase.NOT_PARTY, date(2019, 10, 1))}
