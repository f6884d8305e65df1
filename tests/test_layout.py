"""The tree stays readable: a short chain of imports.

The import rules themselves (layers, no circles) are import-linter's contracts in
pyproject.toml, run by `make lint`. Modules and folders have no size bound: a module holds
one idea whatever its length, and a cap on lines had been cutting modules by length instead
of by idea (issue 27, section 5).
"""

from functools import cache

import grimp

# The longest chain of imports between the service's own modules: 13 before the re-lay.
MAX_FLOORS = 10


def test_the_longest_chain_of_imports_in_the_service_is_at_most_10_floors() -> None:
    graph = grimp.build_graph("service", "events", include_external_packages=False)
    ours = {module for module in graph.modules if module.startswith("service")}

    @cache
    def floors(module: str) -> int:
        imported = graph.find_modules_directly_imported_by(module) & ours
        return 1 + max((floors(other) for other in imported), default=0)

    assert max(floors(module) for module in ours) <= MAX_FLOORS
