"""The tree stays readable: small modules, small folders, a short chain of imports.

The import rules themselves (layers, no circles) are import-linter's contracts in
pyproject.toml, run by `make lint`; these are the sizes issue 13 re-laid the service to.
The domain (events/) is one flat folder of small modules, each named for what it holds;
the folder bound is the service's.
"""

from functools import cache
from pathlib import Path

import grimp

from tests.project import ROOT

MAX_LINES = 300
MAX_MODULES_PER_FOLDER = 10
# The longest chain of imports between the service's own modules: 13 before the re-lay.
MAX_FLOORS = 10
PACKAGE_FILES = {"__init__.py", "__main__.py"}


def modules() -> list[Path]:
    return sorted(path for package in ("events", "service") for path in (ROOT / package).rglob("*.py"))


def test_no_module_is_longer_than_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n for path in modules() if (n := len(path.read_text().splitlines())) > MAX_LINES
    }

    assert long == {}


def test_no_folder_of_the_service_holds_more_than_10_modules() -> None:
    folders = {path.parent for path in modules() if path.is_relative_to(ROOT / "service")}
    crowded = {
        str(folder.relative_to(ROOT)): count
        for folder in folders
        if (count := len([p for p in folder.glob("*.py") if p.name not in PACKAGE_FILES])) > MAX_MODULES_PER_FOLDER
    }

    assert crowded == {}


def test_the_longest_chain_of_imports_in_the_service_is_at_most_10_floors() -> None:
    graph = grimp.build_graph("service", "events", include_external_packages=False)
    ours = {module for module in graph.modules if module.startswith("service")}

    @cache
    def floors(module: str) -> int:
        imported = graph.find_modules_directly_imported_by(module) & ours
        return 1 + max((floors(other) for other in imported), default=0)

    assert max(floors(module) for module in ours) <= MAX_FLOORS
