"""The aggregate the eventsourcing library stores in P4: a pact that takes notes, the
closest thing in that library to an agreement's stream of context events."""

from eventsourcing.domain import Aggregate, event


class Pact(Aggregate):
    @event("Registered")
    def __init__(self, title: str) -> None:
        self.title = title
        self.notes = 0

    @event("Noted")
    def note(self, summary: str) -> None:
        self.notes += 1
