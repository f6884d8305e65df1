"""The documentation's compose example against the stack `make compose-test` started the
way that example starts it (today fixed at 2024-06-01): its reads print what the page shows.
`make test` cannot start compose, so the page marks the example as run here."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.examples import ROOT, Shell, examples
from tests.stack.conftest import Stack

PAGE = ROOT / "docs" / "how-to" / "integration-tests.md"


def test_the_documented_reads_of_the_stack_print_what_the_page_shows(stack: Stack, tmp_path: Path) -> None:
    (example,) = [found for found in examples(PAGE) if found.command.startswith("PACT_TODAY=")]
    reads = "\n".join(line for line in example.command.splitlines() if "docker compose" not in line)
    shell = Shell(urlsplit(stack.base_url).netloc, dict(os.environ), tmp_path)
    try:
        printed = shell.run(reads)
    finally:
        shell.close()

    assert printed == example.output, shell.said()
