"""PACT_IMPORT: NDJSON files that `bootstrap` (and `serve`, as the owner) import at start,
after the shipped chronologies, so that a compose stack comes up holding an integration
test's own fixtures. The import is the ordinary one (service/cli/bulk.py): each file checked
whole before any of it is written, and events already stored skipped, so every start may
import the same files again.
"""

import glob
from pathlib import Path

MAGIC = frozenset("*?[")


class FixturesNotFound(Exception):
    """PACT_IMPORT names a file that is not there: a typo should not start an empty stack."""


def fixture_files(setting: str | None) -> list[Path]:
    """The files PACT_IMPORT names, in name order: one path, or a glob pattern (which may
    match nothing: a fixtures folder can be empty). Unset or empty: none."""
    if not setting:
        return []
    if not MAGIC & set(setting):
        path = Path(setting)
        if not path.is_file():
            raise FixturesNotFound(f"PACT_IMPORT={setting}: no such file")
        return [path]
    return [Path(found) for found in sorted(glob.glob(setting)) if Path(found).is_file()]
