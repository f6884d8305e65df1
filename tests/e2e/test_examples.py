"""Every shell example of the README and the documentation site runs, and prints what its
page shows (tests/e2e/examples.py says how an example is read and what may vary).

Each page runs in one shell, against `pact-chronology serve` on a database of its own with
today fixed (PACT_TODAY), so its examples build on one another and on nothing else. When an
answer is meant to change, write the outputs again and read the diff before committing:
``PACT_RECORD_EXAMPLES=1 .venv/bin/pytest tests/e2e/test_examples.py``.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import Serve
from tests.e2e.examples import ROOT, Shell, as_shown, examples, record, steady, unexplained_blocks

TODAY = "2026-12-05"
RECORD = os.environ.get("PACT_RECORD_EXAMPLES") == "1"
# In reading order; a page's examples may build on each other, never on another page's.
PAGES = [
    "README.md",
    "docs/tutorial.md",
    "docs/how-to/dashboards.md",
    "docs/how-to/research.md",
    "docs/how-to/recording.md",
    "docs/how-to/corrections.md",
    "docs/how-to/consistency.md",
    "docs/how-to/caching.md",
    "docs/how-to/bulk.md",
    "docs/reference/cli.md",
    "docs/explanation/time-axes.md",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_prints_what_the_page_shows(
    page: str, serve: Serve, database_url: str, tmp_path: Path
) -> None:
    server = serve("--workers", "1", PACT_TODAY=TODAY)
    environment = {**os.environ, "DATABASE_URL": database_url, "PACT_TODAY": TODAY}
    shell = Shell(server.url.removeprefix("http://"), environment, tmp_path)
    printed: dict[tuple[int, int], str] = {}
    try:
        for example in examples(ROOT / page):
            if example.illustration is not None:
                continue
            output = shell.run(example.command)
            if example.output is None or example.output_lines is None:
                continue
            output = as_shown(example.output, output, example)
            printed[example.output_lines] = output
            if not RECORD:
                assert steady(output, example.varies) == steady(example.output, example.varies), (
                    example.where,
                    shell.said(),
                )
    finally:
        shell.close()
    if RECORD:
        record(ROOT / page, printed)


def test_every_block_of_every_page_is_run_or_says_why_not() -> None:
    """A shell block is run (its page is in PAGES) unless it says why not; any other block is
    what a run printed, a directive of the site, or says why it is only an illustration."""
    pages = [ROOT / "README.md", *sorted(page for page in (ROOT / "docs").rglob("*.md") if "_build" not in page.parts)]
    unrun = [
        example.where
        for page in pages
        if str(page.relative_to(ROOT)) not in PAGES
        for example in examples(page)
        if example.illustration is None
    ]
    unexplained = [where for page in pages for where in unexplained_blocks(page)]

    assert unrun == [] and unexplained == []
