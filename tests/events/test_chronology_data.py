"""The shipped chronologies: sourced, valid under the rules, with stable ids."""

import json
from importlib import resources

import pytest

from events import NewEvent, Recorded, Source, check_history
from events.codec.payloads import SOURCES
from events.record.precision import Precision
from events.record.types import type_name
from events.rules.corrections import effective
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
    ("jp-deu-security-of-information", "2021-03-22", "2021-03-22", {"E73", "E88"}),
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
    events = {type_name(new.event): new for new in shipped(stream_id).events if not _is_revision(new)}

    assert (_as_given(events["signed"]) if "signed" in events else None) == signed
    assert _as_given(events["entered_into_force"]) == in_force
    assert events["entered_into_force"].event.signature_unrecorded is (signed is None)  # type: ignore[attr-defined]
    assert events["agreement_registered"].event.terms_recorded is False  # type: ignore[attr-defined]
    cited = {key for new in shipped(stream_id).events for key in new.metadata["source_keys"]}
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
    assert len(history) == 32


def _is_revision(new: NewEvent) -> bool:
    return type_name(new.event) in ("event_corrected", "event_retracted")


def as_corrected(stream_id: str) -> dict[tuple[str, str], Recorded]:
    """The shipped stream once its corrections apply, by (type, day)."""
    history = [new.recorded(stream_id, v, RECORDED_AT) for v, new in enumerate(shipped(stream_id).events, 1)]
    return {(type_name(r.event), r.event.occurred_on.isoformat()): r for r in effective(history)}


def cited(*keys: str) -> list[Source]:
    """The catalog's sources ``keys``, as an event carries them."""
    catalog = json.loads(resources.files("service.chronology").joinpath("sources.json").read_text())
    return list(SOURCES.load([catalog[key] for key in keys]))


def test_the_suspension_cites_its_verified_sources_only() -> None:
    """Row 18 lists E41, E40, E42, E43 and E44; E29 belongs to the entry into force (row 13)."""
    gsomia = as_corrected("kr-jp-gsomia")

    suspension = gsomia[("termination_notice_suspended", "2019-11-22")]
    entry = gsomia[("entered_into_force", "2016-11-23")]
    assert list(suspension.sources) == cited("E41", "E40", "E42", "E43", "E44")
    assert cited("E29")[0] in entry.sources


def test_germanys_entry_into_force_cites_jiji_and_its_signing_the_foreign_office() -> None:
    germany = as_corrected("jp-deu-security-of-information")

    entry, signing = germany[("entered_into_force", "2021-03-22")], germany[("signed", "2021-03-22")]
    assert list(entry.sources) == cited("E88") and entry.sources[0].publisher.startswith("Jiji Press")
    assert "即日発効" in entry.event.summary
    assert list(signing.sources) == cited("E73")
    assert entry.event.note is not None
    assert "Mar 2021" in entry.event.note and "Japan–Ukraine release of 2024-11-16" in entry.event.note
    assert "not yet Germany" in entry.event.note


def test_japan_and_the_us_say_what_the_tisa_text_supports() -> None:
    us = as_corrected("jp-us-gsomia")

    for kind in ("signed", "entered_into_force"):
        event = us[(kind, "2007-08-10")].event
        assert event.note is not None and event.note.startswith(
            "The TISA's Japanese text cites the agreement by its date"
        )


WORKING_FILES = ("facts file", "gsomia-facts", "seeds/", "shared/", "domain/", "STYLE.md")


@pytest.mark.parametrize("chronology", chronologies(), ids=lambda c: c.stream_id)
def test_no_text_a_client_reads_names_a_working_file_of_ours(chronology) -> None:  # type: ignore[no-untyped-def]
    corrected = as_corrected(chronology.stream_id).values()
    texts = [text for record in corrected for text in _texts(record)]
    revisions = [new.event for new in chronology.events if _is_revision(new)]
    reasons = [revision.reason for revision in revisions]  # type: ignore[attr-defined]

    assert [text for text in texts + reasons if any(name in text for name in WORKING_FILES)] == []


def test_a_registration_without_recorded_terms_says_the_sources_give_none() -> None:
    for chronology in chronologies():
        registration = as_corrected(chronology.stream_id)
        registration = next(r.event for (kind, _), r in registration.items() if kind == "agreement_registered")
        if not registration.terms_recorded:  # type: ignore[attr-defined]
            assert registration.note.startswith("The sources give no duration clause: its terms are not recorded.")


def _texts(record: Recorded) -> list[str]:
    event = record.event
    return [text for text in (event.summary, event.note, event.place, *event.actors) if text]
