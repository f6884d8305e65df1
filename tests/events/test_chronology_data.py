"""The shipped chronologies: sourced, valid under the rules, with stable ids."""

import json
from importlib import resources

import pytest

from events import check_history
from service.chronology import FILES, chronologies
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
