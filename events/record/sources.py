"""Citations: what every development in the chronology rests on."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True)
class Source:
    """A citation: enough for a reader to find the publication again (headline if it has one)."""

    publisher: str
    title: str | None = None
    published_on: date | None = None
    url: str | None = None
