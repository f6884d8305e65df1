"""The shipped chronologies: sourced, valid under the rules, with stable ids."""

import json
from importlib import resources

import pytest

from events import NewEvent, check_history
from events.corrections import effective
from events.precision import Precision
from events.types import type_name
from service.chronology import FILES, chronologies
from service.chronology import chronology as shipped
from tests.events.histories import RECORDED_AT


@pytest.mark.parametrize("name", FILES)
def test_every_event_names_sources_that_exist(name: str) -> None:
    folder = resources.files("service.chronology")
    catalog = json.loads(folder.joinpath("sources.json").read_text())
    data = json.loads(folder.joinpath(name).read_text())

    for item in data["events"]:
        assert item["sources"], f"{item['key']} has no source"
        assert set(item["sources"]) <= set(catalog), f"{item['key']} cites an unknown source"


@pytest.mark.parametrize("chronology", chronologies(), ids=lambda c: c.stream_id)
def test_each_chronology_obeys_the_rules(chronology) -> None:  # type: ignore[no-untyped-def]
    history = [new.recorded(chronology.stream_id, v, RECORDED_AT) for v, new in enumerate(chronology.events, 1)]

    check_history(history)


def test_event_ids_are_unique_and_stable_across_loads() -> None:
    ids = [new.event_id for c in chronologies() for new in c.events]

    assert len(ids) == len(set(ids))
    assert str(chronologies()[0].events[0].event_id) == "6a7b6e96-0eb6-51c1-94d0-9f97c6cca241"


def test_every_event_carries_full_citations() -> None:
    for chronology in chronologies():
        for new in chronology.events:
            assert new.sources and all(source.publisher for source in new.sources)


# The facts file's section 3: (agreement, day or month signed, day or month in force, sources).
OTHER_AGREEMENTS = [
    ("jp-us-gsomia", "2007-08-10", "2007-08-10", {"E68"}),
    ("jp-nato-information-protection", "2010-06-25", "2010-06-25", {"E69"}),
    ("jp-fra-information-protection", None, "2011-10", {"E67"}),
    ("jp-aus-information-security", "2012-05-17", "2013-03-22", {"E70", "E71"}),
    ("jp-gbr-information-protection", None, "2014-01", {"E67"}),
    ("jp-ind-information-protection", None, "2015-12", {"E67"}),
    ("jp-ita-information-protection", "2016-03-19", "2016-06-07", {"E72"}),
    ("jp-deu-security-of-information", "2021-03-22", "2021-03-22", {"E73", "E67"}),
    ("kr-us-military-secrets", "1987-09-24", "1987-09-24", {"E77", "E78"}),
]


def _as_given(new: NewEvent) -> str:
    """The day as the facts file gives it: YYYY-MM-DD, or YYYY-MM when known to the month."""
    day = new.event.occurred_on.isoformat()
    return day[:7] if new.event.date_precision is Precision.MONTH else day


@pytest.mark.parametrize(("stream_id", "signed", "in_force", "sources"), OTHER_AGREEMENTS)
def test_the_other_agreements_have_exactly_the_facts_files_dates_and_no_invented_terms(
    stream_id: str, signed: str | None, in_force: str, sources: set[str]
) -> None:
    events = {type_name(new.event): new for new in shipped(stream_id).events}

    assert (_as_given(events["signed"]) if "signed" in events else None) == signed
    assert _as_given(events["entered_into_force"]) == in_force
    assert events["entered_into_force"].event.signature_unrecorded is (signed is None)  # type: ignore[attr-defined]
    assert events["agreement_registered"].event.terms_recorded is False  # type: ignore[attr-defined]
    cited = {key for new in events.values() for key in new.metadata["source_keys"]}
    assert sources <= cited


def test_tisa_is_trilateral() -> None:
    registration = shipped("kr-us-jp-tisa").events[0].event

    assert [party.id for party in registration.parties] == ["KOR", "USA", "JPN"]  # type: ignore[attr-defined]


def test_gsomia_corrections_follow_the_facts_file() -> None:
    """Row 18: the suspension no longer cites E45, published before the decision; row 19 has
    its own event; row 20's event says when Seoul's statement was made (2020-08-04)."""
    history = [new.recorded("kr-jp-gsomia", v, RECORDED_AT) for v, new in enumerate(shipped("kr-jp-gsomia").events, 1)]
    by_day = {(type_name(r.event), r.event.occurred_on.isoformat()): r for r in effective(history)}

    suspension = by_day[("termination_notice_suspended", "2019-11-22")]
    lapse = by_day[("context_noted", "2019-11-23")]
    dispute = by_day[("context_noted", "2020-08-24")]
    assert "Jiji Press" not in {source.publisher for source in suspension.sources}
    assert "Jiji Press" in {source.publisher for source in lapse.sources} and "00:00 KST" in lapse.event.summary
    assert dispute.event.note is not None and "2020-08-04" in dispute.event.note
    assert len(history) == 31
