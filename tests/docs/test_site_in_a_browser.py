"""The built site as a reader sees it, in headless Chromium: pages render with their
navigation, and the site's search finds what a reader types. With PACT_RECORD_EXAMPLES=1
the home page's picture in docs/ (the README's map of the documentation) is taken again."""

import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.docs.conftest import DOCS

PICTURE = DOCS / "site.png"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The test reads pages, not the file server's log."""


@pytest.fixture(scope="module")
def served_site(site: Path) -> Iterator[str]:
    """The built site over HTTP, as a docs host serves it (its search loads its index)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def test_the_home_page_renders_with_its_map_of_the_site(tab: Page, served_site: str) -> None:
    tab.goto(f"{served_site}/index.html")

    expect(tab.locator("h1").first).to_have_text("pact-chronology¶")
    navigation = tab.locator(".sidebar-tree")
    for section in ("Tutorial", "How-to guides", "Reference", "Explanation"):
        expect(navigation.get_by_role("link", name=section, exact=False).first).to_be_visible()
    if os.environ.get("PACT_RECORD_EXAMPLES") == "1":
        tab.screenshot(path=PICTURE)


def test_a_reference_page_renders_with_its_navigation(tab: Page, served_site: str) -> None:
    tab.goto(f"{served_site}/reference/events.html")

    expect(tab.locator("h1").first).to_contain_text("Event types")
    expect(tab.locator(".sidebar-tree").get_by_role("link", name="Configuration")).to_be_visible()
    expect(tab.locator("#termination-notified")).to_be_attached()


def test_the_search_finds_consistency_tokens(tab: Page, served_site: str) -> None:
    tab.goto(f"{served_site}/search.html?q=consistency+token")

    results = tab.locator("#search-results ul.search li a")
    expect(results.first).to_be_visible(timeout=15_000)
    assert any("how-to/consistency.html" in (link.get_attribute("href") or "") for link in results.all())
