"""P7: a question across agreements asked of a store holding 10,000 more agreements than
the shipped ones, against the same question asked of a store holding only those: the same
answer (no added agreement is between the ROK and Japan), over HTTP, the two services asked
alternately, each on days not asked before."""

import random
import uuid
from datetime import date, timedelta

import psycopg
import pycountry

from bench.harness import REPETITIONS, Row
from bench.http_load import latencies, percentile
from events import AgreementRegistered, EnteredIntoForce, NewEvent, Party, Signed, Terms
from service.storage import sql
from service.storage.rows import insert_row

AGREEMENTS = 10_000
PER_TRANSACTION = 1_000  # agreements (3 events each) a transaction: well within the commit-lag bound
STATES = 60
RELATIONS = "/relations?between=KOR,JPN&on={}"


def relations(large: str, large_owner_url: str, small: str) -> list[Row]:
    """``large`` and ``small`` are services on two databases; 10,000 agreements go into the
    large one's (``large_owner_url``)."""
    _load(large_owner_url)
    latencies(large, RELATIONS, [date(2016, 1, 1)])  # the first answer reads the new registrations
    samples: dict[str, list[float]] = {large: [], small: []}
    for repetition in range(REPETITIONS):
        days = [date(2017, 1, 1) + timedelta(days=repetition * 300 + i) for i in range(300)]
        for base in samples:
            samples[base] += latencies(base, RELATIONS, days)
    p50 = {base: percentile(times, 50) for base, times in samples.items()}
    p99 = {base: percentile(times, 99) for base, times in samples.items()}
    name = "P7 relations KOR,JPN, 10,011 agreements vs 11"
    return [
        Row(f"{name}, p50", "10,011", p50[large], "11", p50[small], "ms", 1.5, higher_is_better=False),
        Row(f"{name}, p99", "10,011", p99[large], "11", p99[small], "ms", 1.5, higher_is_better=False),
    ]


def _load(owner_url: str) -> None:
    """10,000 bilateral agreements among 60 states (the ROK and Japan among them, but never
    both in one), each registered, signed and in force, written by COPY."""
    states = sorted({"KOR", "JPN", *(country.alpha_3 for country in list(pycountry.countries)[:STATES])})
    chosen = random.Random(7)
    pairs = [pair for pair in ((a, b) for a in states for b in states if a < b) if set(pair) != {"KOR", "JPN"}]
    with psycopg.connect(owner_url) as connection:
        for start in range(0, AGREEMENTS, PER_TRANSACTION):
            with connection.transaction(), connection.cursor().copy(sql.COPY) as copy:
                for i in range(start, start + PER_TRANSACTION):
                    parties = tuple(Party(state, state) for state in chosen.choice(pairs))
                    for version, new in enumerate(_story(parties, date(1990, 1, 1) + timedelta(days=i)), start=1):
                        copy.write_row(insert_row(f"bench-pact-{i:05d}", version, new))


def _story(parties: tuple[Party, ...], day: date) -> list[NewEvent]:
    registration = AgreementRegistered(occurred_on=day, title="A bench pact", parties=parties, terms=Terms())
    events = [registration, Signed(occurred_on=day), EnteredIntoForce(occurred_on=day)]
    return [NewEvent(event=event, event_id=uuid.uuid4()) for event in events]
