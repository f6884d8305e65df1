"""The documentation's reference follows the code: its lists are written from the code at
build time, so an event type, a problem type, a setting, a command or a route added in the
code appears in the built site without anyone writing it there."""

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from click import Group

from events import EVENT_TYPES
from service.app import openapi_document
from service.cli.main import main
from service.http.problems import PROBLEM_TYPES, ProblemType
from service.settings import SETTINGS, Setting
from tests.docs.conftest import DOCS


def _extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference", DOCS / "_ext" / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _extension()


def text_of(page: Path) -> str:
    """A built page's words, without its markup."""
    return re.sub(r"<[^>]+>", "", page.read_text())


def test_a_setting_added_in_the_code_appears_in_the_table() -> None:
    added = Setting("PACT_SOMETHING_NEW", 7, "what it sets")

    table = reference.settings_markdown((*SETTINGS, added))

    assert "| `PACT_SOMETHING_NEW` | `7` | what it sets |" in table
    assert "| `PACT_TODAY` | unset: the real day |" in table


def test_a_problem_type_added_in_the_code_appears_in_the_table() -> None:
    added = {**PROBLEM_TYPES, "something-new": ProblemType(418, "Something new", "`teapot`")}

    table = reference.problems_markdown(added)

    assert "| `/problems/something-new` | 418 | Something new | `teapot` |" in table
    assert table.index("/problems/invalid-query") < table.index("/problems/internal-error")


def test_an_event_type_added_in_the_code_appears_with_its_payload() -> None:
    class SomethingHappened:
        """Something happened that the chronology now records."""

    document = json.loads(json.dumps(openapi_document()))
    document["components"]["schemas"]["SomethingHappenedPayload"] = {
        "properties": {"summary": {"type": "string"}, "who": {"type": "string", "description": "the party"}},
        "required": ["who"],
    }

    page = reference.events_markdown(document, {**EVENT_TYPES, "something_happened": SomethingHappened})

    assert "## `something_happened`\n\nSomething happened that the chronology now records." in page
    assert "| `who` | yes | string | the party |" in page
    assert "| `summary` |" not in page  # listed once, for every payload


def test_a_route_added_in_the_code_appears_with_its_answers() -> None:
    document: dict[str, Any] = json.loads(json.dumps(openapi_document()))
    document["paths"]["/something"] = {
        "get": {"summary": "something new", "parameters": [], "responses": {"200": {"description": "it"}}}
    }

    page = reference.http_api_markdown(document)

    assert "## `GET /something`\n\nsomething new" in page and "| 200 | it |" in page


def test_the_built_site_lists_everything_the_code_defines(site: Path) -> None:
    settings = text_of(site / "reference" / "configuration.html")
    problems = text_of(site / "problems.html")
    events = text_of(site / "reference" / "events.html")
    api = text_of(site / "reference" / "http-api.html")
    cli = text_of(site / "reference" / "cli.html")

    assert all(setting.name in settings for setting in SETTINGS)
    assert all(f"/problems/{name}" in problems for name in PROBLEM_TYPES)
    assert all(name in events for name in EVENT_TYPES)
    document = openapi_document()
    assert all(f"{method.upper()} {path}" in api for path, ops in document["paths"].items() for method in ops)
    assert isinstance(main, Group)
    assert all(f"pact-chronology {name}" in cli for name in main.commands)


def test_the_site_has_a_page_for_each_kind_of_reader(site: Path) -> None:
    for page in ("index", "tutorial", "how-to/index", "reference/index", "explanation/index"):
        assert (site / f"{page}.html").is_file(), page
