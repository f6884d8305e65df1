"""The questions the CLI asks (status, timeline, events), answered by the very app the
API serves, in-process: the CLI and the API cannot disagree, and `--json` prints exactly
what the API would send. Without `--json` the answer is a table for people.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click
from flask.testing import FlaskClient
from tabulate import tabulate

from service.app import create_app


@contextmanager
def api(url: str) -> Iterator[FlaskClient]:
    """A client of the API app on the database at ``url``, closed afterwards."""
    app = create_app({"DATABASE_URL": url, "POOL_MIN_SIZE": 1, "POOL_MAX_SIZE": 2})
    try:
        yield app.test_client()
    finally:
        app.extensions["pact"].close()


def ask(client: FlaskClient, path: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """GET ``path`` with the given (non-empty) parameters; a problem becomes a CLI error."""
    response = client.get(path, query_string={name: value for name, value in parameters.items() if value is not None})
    body: dict[str, Any] = response.get_json(force=True)
    if response.status_code != 200:
        raise click.ClickException(f"{body['title']}: {body['detail']}")
    return body


def status_table(answer: dict[str, Any]) -> str:
    rows = [
        ("agreement", answer["agreement_id"]),
        ("on", answer["on"]),
        ("known at", answer["known_at"]),
        ("phase", _phase(answer["phase"]) + (f" since {answer['since']}" if answer["since"] else "")),
    ]
    term = answer["term"]
    if term:
        notice = f", notice by {term['notice_deadline']}" if term["notice_deadline"] else ""
        disputed = " (renewal disputed)" if term["renewal_disputed"] else ""
        rows.append(("term", f"{term['number']}: {term['started_on']} to {term['ends_on']}{notice}{disputed}"))
    termination = answer["termination"]
    if termination:
        rows.append(("termination", _termination(termination)))
    rows += [("based on", f"{e['occurred_on']} {e['type']}") for e in answer["based_on"]]
    return tabulate(rows, tablefmt="plain")


def timeline_table(answer: dict[str, Any]) -> str:
    rows = [
        (
            interval["starts_on"],
            interval["ends_on"],
            _phase(interval["phase"]),
            interval["termination"] or "",
            interval["term"] or "",
            "derived" if interval["derived"] else "",
        )
        for interval in answer["intervals"]
    ]
    return tabulate(rows, headers=("from", "to", "phase", "termination", "term", ""), tablefmt="simple")


def events_table(answer: dict[str, Any]) -> str:
    rows = [
        (
            event["version"],
            event["occurred_on"],
            event["type"],
            _shortened(event["payload"].get("summary") or ""),
            len(event["sources"]),
        )
        for event in answer["events"]
    ]
    return tabulate(rows, headers=("version", "occurred on", "type", "summary", "sources"), tablefmt="simple")


def _phase(phase: str) -> str:
    return phase.replace("_", " ")


def _termination(termination: dict[str, Any]) -> str:
    text = (
        f"{termination['state']}: notified {termination['notified_on']} by {termination['notified_by']},"
        f" effective {termination['effective_on']}"
    )
    if termination["suspended_on"]:
        text += f", suspended {termination['suspended_on']}" + (
            " (conditionally)" if termination["conditional"] else ""
        )
    return text


def _shortened(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
