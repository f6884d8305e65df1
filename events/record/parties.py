"""Who can be a party, and how a party is named: a stable id and a name.

A state's id is its ISO 3166-1 alpha-3 code (``KOR``, ``JPN``; a former state such as the
USSR keeps its ISO 3166-3 code, ``SUN``; a state ISO does not list uses the code others
give it, such as Kosovo's ``XKX``), an organisation's a short lower-case id (``nato``).
The codes come from pycountry's copy of the ISO tables: constant data shipped with the
package, read like the IANA zone names in events/codec/payloads.py -- no I/O of the world's.

Registrations stored before parties had ids named them by name alone; ``party_named`` is
how such a name gets its id (events/codec/versions.py), and how a registration that still names
its parties as plain strings is read.
"""

import re
from dataclasses import dataclass
from functools import cache

import pycountry

STATE_ID_PATTERN = "[A-Z]{3}"
ORGANISATION_ID_PATTERN = "[a-z0-9][a-z0-9-]{0,199}"
PARTY_ID_PATTERN = f"{STATE_ID_PATTERN}|{ORGANISATION_ID_PATTERN}"
_ORGANISATION_ID = re.compile(ORGANISATION_ID_PATTERN)
# A bare name yields an id when it holds a letter or digit of ASCII (see party_named).
DERIVABLE_NAME_PATTERN = r"[\s\S]*[A-Za-z0-9][\s\S]*"


@dataclass(frozen=True)
class Party:
    """A party to an agreement: ``id`` is how events refer to it, ``name`` how it is written."""

    id: str
    name: str


class UnnamedParty(ValueError):
    """A party name from which no id can be derived: the registration must give one."""


def party_named(name: str) -> Party:
    """The party a bare name stands for: the state of that name if ISO knows one, in any of
    its spellings ("Japan", "Republic of Korea", "Korea, Republic of", "South Korea"), else
    a lower-case id made of the name's letters and digits ("Ruritania" -> ``ruritania``)."""
    state = _states_by_name().get(_folded(name))
    if state is not None:
        return Party(id=state, name=name)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not _ORGANISATION_ID.fullmatch(slug):
        raise UnnamedParty(f"no party id can be derived from the name {name!r}: give the party an id")
    return Party(id=slug, name=name)


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


@cache
def _states_by_name() -> dict[str, str]:
    """Every spelling ISO gives a state (name, official and common names) to its code, with
    the natural order of an inverted one ("Korea, Republic of" -> "Republic of Korea"), and
    each part of a former state's ("USSR, Union of Soviet Socialist Republics")."""
    found: dict[str, str] = {}
    for country in pycountry.historic_countries:
        for part in (country.name, *country.name.split(", ")):
            found.setdefault(_folded(part), country.alpha_3)
    for country in pycountry.countries:
        for spelling in (country.name, *(getattr(country, key, None) for key in ("official_name", "common_name"))):
            if not spelling:
                continue
            found[_folded(spelling)] = country.alpha_3
            head, comma, tail = spelling.partition(", ")
            if comma and tail.endswith(" of"):
                found[_folded(f"{tail} {head}")] = country.alpha_3
    return found
