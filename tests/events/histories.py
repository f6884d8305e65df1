"""Building histories for replay tests: the real GSOMIA stream and hypothetical ones."""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from uuid import uuid4

from events import Event, Recorded, Terms
from events.record.parties import Party
from events.record.types import AgreementRegistered, EnteredIntoForce, Signed
from service.chronology import chronology

RECORDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def recorded(events: Iterable[Event], stream_id: str = "test-pact", at: datetime = RECORDED_AT) -> list[Recorded]:
    """Events as a stream would hold them, versions in the given order."""
    return [
        Recorded(event=event, event_id=uuid4(), stream_id=stream_id, version=version, recorded_at=at)
        for version, event in enumerate(events, start=1)
    ]


def gsomia(*, without: Iterable[str] = ()) -> list[Recorded]:
    """The real GSOMIA chronology, optionally without some events (by type name), and
    without the corrections of those and the readings that concern them."""
    from events.record.types import type_name
    from events.rules.corrections import target_of

    skipped = set(without)
    stream = chronology("kr-jp-gsomia")
    dropped = {new.event_id for new in stream.events if type_name(new.event) in skipped}
    kept = [
        new
        for new in stream.events
        if new.event_id not in dropped
        and target_of(new.event) not in dropped
        and getattr(new.event, "concerns", None) not in dropped
    ]
    return [new.recorded(stream.stream_id, version, RECORDED_AT) for version, new in enumerate(kept, start=1)]


def registered(terms: Terms | None = None, *, binding: bool = True, on: date = date(2000, 1, 1)) -> AgreementRegistered:
    return AgreementRegistered(
        occurred_on=on,
        title="A test pact",
        parties=(Party("a", "A"), Party("b", "B")),
        terms=terms or Terms(initial_term_months=12, renewal_term_months=12, notice_days=90),
        legally_binding=binding,
    )


def in_force_from(day: date, terms: Terms | None = None) -> list[Event]:
    """Registration, signature and entry into force on ``day``: the start of most hypotheticals."""
    return [registered(terms), Signed(occurred_on=day), EnteredIntoForce(occurred_on=day)]


class Stream:
    """A stream written over time: each ``add`` records events at the instant given."""

    def __init__(self, stream_id: str = "test-pact") -> None:
        self.stream_id = stream_id
        self.records: list[Recorded] = []

    def add(self, event: Event, at: datetime) -> Recorded:
        record = Recorded(
            event=event, event_id=uuid4(), stream_id=self.stream_id, version=len(self.records) + 1, recorded_at=at
        )
        self.records.append(record)
        return record
