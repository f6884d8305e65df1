"""What the rules require of an event before they apply it: the agreement in one of some
phases, and a named party that is one of the agreement's."""

from events.envelope import Recorded
from events.errors import RuleViolation
from events.parties import Party
from events.state import Agreement
from events.status import Phase


def require_phase(state: Agreement, record: Recorded, allowed: set[Phase]) -> None:
    if state.phase not in allowed:
        names = ", ".join(sorted(phase.value for phase in allowed))
        raise RuleViolation(record, f"not allowed while the agreement is {state.phase.value} (allowed when: {names})")


def require_party(state: Agreement, record: Recorded, named: str, field: str) -> Party:
    """The party ``named`` (by id or name) in the event's ``field``, which must be one of the agreement's."""
    party = state.profile.party(named)
    if party is None:
        parties = ", ".join(f"{party.id} ({party.name})" for party in state.profile.parties)
        raise RuleViolation(record, f"{field} {named!r} is not a party to the agreement: {parties}")
    return party
