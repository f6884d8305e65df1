"""Old payloads read as the current shape: party ids derived from names, and refusals."""

import pytest

from events.codec.versions import CURRENT, NotUpcastable, upcast
from events.record.parties import Party, UnnamedParty, party_named

V1_REGISTRATION = {"title": "GSOMIA", "parties": ["Republic of Korea", "Japan"]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Japan", Party("JPN", "Japan")),
        ("Republic of Korea", Party("KOR", "Republic of Korea")),
        ("Korea, Republic of", Party("KOR", "Korea, Republic of")),
        ("United States", Party("USA", "United States")),
        ("NATO Allies", Party("nato-allies", "NATO Allies")),
        ("A", Party("a", "A")),
    ],
)
def test_a_party_named_in_a_v1_payload_gets_a_country_code_or_a_slug(name: str, expected: Party) -> None:
    assert party_named(name) == expected


def test_a_name_with_no_letter_or_digit_cannot_give_an_id() -> None:
    with pytest.raises(UnnamedParty):
        party_named("—")


def test_a_v1_registration_is_read_with_party_objects() -> None:
    payload = upcast("agreement_registered", 1, V1_REGISTRATION)

    assert payload["parties"] == [{"id": "KOR", "name": "Republic of Korea"}, {"id": "JPN", "name": "Japan"}]
    assert payload["title"] == "GSOMIA"


def test_a_current_payload_is_read_unchanged() -> None:
    current = {"parties": [{"id": "KOR", "name": "Republic of Korea"}]}

    assert upcast("agreement_registered", CURRENT["agreement_registered"], current) is current
    assert upcast("context_noted", 1, {"summary": "x"}) == {"summary": "x"}


@pytest.mark.parametrize(
    ("event_type", "version", "payload", "reason"),
    [
        ("agreement_registered", 3, V1_REGISTRATION, "newer release"),
        ("agreement_registered", 0, V1_REGISTRATION, "version 0"),
        ("treaty_exploded", 1, {}, "not an event type"),
        ("agreement_registered", 1, {"parties": [{"id": "KOR"}]}, "by name"),
        ("agreement_registered", 1, {"parties": ["—", "Japan"]}, "no party id can be derived"),
    ],
)
def test_a_payload_this_release_cannot_read_is_refused_with_the_reason(
    event_type: str, version: int, payload: dict[str, object], reason: str
) -> None:
    with pytest.raises(NotUpcastable, match=reason):
        upcast(event_type, version, payload)
