"""The agreement page in a real browser (headless Chromium, driven by Playwright): pick a
day, read the status; slide "known at" back, read what was known then."""

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.request import Request, urlopen

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from service.storage import tokens
from tests.e2e.conftest import Serve, Server


@pytest.fixture
def server(serve: Serve) -> Server:
    return serve("--workers", "1")


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A browser tab, closed before the server stops, so no keep-alive connection of it
    holds up the server's graceful shutdown."""
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def open_gsomia(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="Korea-Japan General Security").click()
    expect(page.locator("#agreement")).to_have_attribute("data-ready", "true")


def test_picking_2019_09_01_shows_the_pending_termination(page: Page, server: Server, tmp_path: Path) -> None:
    open_gsomia(page, server)

    page.locator("#on").fill("2019-09-01")
    page.locator("#on").dispatch_event("change")

    expect(page.locator(".parties")).to_have_text("Republic of Korea · Japan")
    expect(page.locator("#status")).to_contain_text("termination pending, effective 2019-11-23")
    expect(page.locator("#term")).to_contain_text("Term 3: 2018-11-23 to 2019-11-22, notice deadline 2019-08-24")
    expect(page.locator("#timeline .segment.pending")).to_have_count(1)
    expect(page.locator("#intervals li.derived").first).to_contain_text("(derived)")
    expect(page.locator("#events .event").first).to_contain_text("negotiations opened")
    assert page.locator("#events .sources a").count() > 20
    page.screenshot(path=tmp_path / "gsomia-2019-09-01.png")
    assert (tmp_path / "gsomia-2019-09-01.png").stat().st_size > 10_000


def test_the_contested_interval_shows_both_governments_readings(page: Page, server: Server) -> None:
    open_gsomia(page, server)

    page.locator("#on").fill("2020-09-01")
    page.locator("#on").dispatch_event("change")

    contested = page.locator("#contested")
    expect(contested).to_be_visible()
    expect(contested).to_contain_text("Contested: the renewal")
    expect(contested.locator("li.reading")).to_have_count(2)
    expect(contested.locator("li.reading").nth(0)).to_contain_text("Japan: the renewal runs (Term 4: 2019-11-23")
    expect(contested.locator("li.reading").nth(1)).to_contain_text("Republic of Korea: annual extension does not apply")
    expect(contested.locator(".sources a")).to_have_count(2)
    expect(page.locator("#timeline .segment.contested")).to_have_count(5)
    expect(page.locator("#intervals li.contested").first).to_contain_text("2019-11-22 to 2019-11-22")

    page.locator("#on").fill("2019-09-01")
    page.locator("#on").dispatch_event("change")
    expect(page.locator("#status")).to_contain_text("termination pending")
    expect(contested).to_be_hidden()


def test_sliding_known_at_back_shows_what_was_known_before_a_correction(
    page: Page, server: Server, database_url: str
) -> None:
    with psycopg.connect(database_url, autocommit=True) as owner:
        token = tokens.create(owner, "page-test")
    with urlopen(f"{server.url}/agreements/kr-jp-gsomia/events?limit=1000", timeout=30) as response:
        notice = next(e for e in json.load(response)["events"] if e["type"] == "termination_notified")
    # A what-if for this test: the notice corrected to a day after 1 September.
    correction = {
        "type": "event_corrected",
        "payload": {"corrects": notice["id"], "reason": "a what-if", "corrected_occurred_on": "2019-09-15"},
        "sources": [{"publisher": "Test"}],
    }
    request = Request(
        f"{server.url}/agreements/kr-jp-gsomia/events",
        data=json.dumps({"events": [correction]}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urlopen(request, timeout=30) as response:
        assert response.status == 201

    open_gsomia(page, server)
    page.locator("#on").fill("2019-09-01")
    page.locator("#on").dispatch_event("change")
    expect(page.locator("#status")).to_have_text("In force since 2016-11-23")

    steps = int(page.locator("#known").get_attribute("max") or 0)
    page.locator("#known").fill(str(steps - 1))  # the instant before the correction was recorded
    expect(page.locator("#status")).to_contain_text("termination pending, effective 2019-11-23")
    expect(page.locator("#known-label")).not_to_have_text("now")


def test_the_page_fits_a_phone(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    open_gsomia(phone, server)

    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
