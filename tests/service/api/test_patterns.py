"""Every pattern in the OpenAPI document is an ECMA-262 regular expression (what JSON Schema
says a pattern is, and what ajv, gateways and generated clients run), and it accepts and
refuses what the server's own validation does (issue 17, section 2)."""

import re
from collections.abc import Iterator

import pytest
import regress
from flask.testing import FlaskClient

from events.codec.fields import DAY_PATTERN, INSTANT_PATTERN, STORABLE_TEXT_PATTERNS, WEB_ADDRESS_PATTERN
from events.record.parties import DERIVABLE_NAME_PATTERN, PARTY_ID_PATTERN
from service.api.relations import PARTY_IDS_PATTERN
from service.http.inbound import AGREEMENT_ID_PATTERN, CURSOR_PATTERN

# For each pattern the server validates with (the core, unanchored), values it must accept
# and values it must refuse -- the edges of each, line ends and NUL bytes included.
SAMPLES: dict[str, tuple[list[str], list[str]]] = {
    AGREEMENT_ID_PATTERN: (
        ["kr-jp-gsomia", "ab", "a1-", "x" * 63],
        ["a", "A", "-ab", "ab\n", "x" * 64, "k j", "ab\x00"],
    ),
    f"({PARTY_ID_PATTERN})": (["KOR", "nato", "nato-allies", "a"], ["Kor", "KORE", "-x", "", "KOR\n", "KOR,JPN"]),
    PARTY_IDS_PATTERN: (
        ["KOR,JPN", "KOR,USA,JPN", "nato,a"],
        ["KOR", "KOR,,JPN", "KOR;JPN", "KOR,JPN,", ",".join(["AAA"] * 11)],
    ),
    CURSOR_PATTERN: (["812-27", "0-0"], ["812", "a-1", "1-", "1" * 19 + "-1", "1-2\n"]),
    DAY_PATTERN: (["2019-09-01", "1000-01-01", "8999-12-31"], ["2019-9-1", "20190901", "0999-01-01", "9000-01-01"]),
    INSTANT_PATTERN: (
        [
            "2019-09-01T00:00Z",
            "2019-09-01T00:00:00.123456+09:00",
            "2019-09-01T23:59:59-23:59",
            "2019-09-01T00:00-00:00",
        ],
        [
            "2019-09-01",
            "2019-09-01T00:00",
            "2019-09-01 00:00Z",
            "2019-09-01T00:00:00.1234567Z",
            # Offsets and times that do not exist (RFC 3339: hours 00-23, minutes and seconds 00-59).
            "2019-09-01T00:00+00:60",
            "2019-09-01T00:00+05:99",
            "2019-09-01T00:00-00:60",
            "2019-09-01T00:00+13:60",
            "2019-09-01T00:00+24:00",
            "2019-09-01T00:00+99:00",
            "2019-09-01T24:00Z",
            "2019-09-01T12:60Z",
            "2019-09-01T12:00:60Z",
            "2019-09-01T00:00+0900",
        ],  # fmt: skip
    ),
    WEB_ADDRESS_PATTERN: (
        ["https://example.org/a?b#c", "http://127.0.0.1:8000"],
        ["ftp://x", "https://", "https://a b"],
    ),
    DERIVABLE_NAME_PATTERN: (["Japan", "Côte d'Ivoire", "a"], ["", "日本", "---"]),
    STORABLE_TEXT_PATTERNS[0]: (["", "any text", "日本"], ["a\x00b"]),
}


def patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "pattern" and isinstance(value, str):
                yield value
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


@pytest.fixture
def document_patterns(anonymous: FlaskClient) -> set[str]:
    return set(patterns(anonymous.get("/openapi.json").get_json()))


def test_every_pattern_compiles_as_ecma_262_in_unicode_mode(document_patterns: set[str]) -> None:
    refused = {}
    for pattern in document_patterns:
        try:
            regress.Regex(pattern, flags="u")
        except regress.RegressError as error:
            refused[pattern] = str(error)

    assert len(document_patterns) >= 10 and refused == {}


def test_each_pattern_and_the_servers_validation_agree_on_good_and_bad_values(document_patterns: set[str]) -> None:
    checked = set()
    for anchored in document_patterns:
        core = anchored.removeprefix("^").removesuffix("$")
        if core not in SAMPLES:
            continue
        ecma = regress.Regex(anchored, flags="u")
        good, bad = SAMPLES[core]
        for value in good + bad:
            server = re.fullmatch(core, value) is not None
            document = ecma.find(value) is not None
            assert server == document == (value in good), (core, value)
        checked.add(core)

    assert checked == set(SAMPLES)  # each is in the document
