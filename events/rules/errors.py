"""What the domain refuses."""

from events.record.envelope import Recorded
from events.record.types import type_name


class RuleViolation(Exception):
    """An event the agreement's rules forbid at that point of its history."""

    def __init__(self, record: Recorded, reason: str) -> None:
        super().__init__(f"{type_name(record.event)} on {record.event.occurred_on}: {reason}")
        self.record = record
        self.reason = reason
