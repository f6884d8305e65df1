"""The questions the CLI asks (status, timeline, events), answered by the very app the
API serves, in-process: the CLI and the API cannot disagree, and `--json` prints exactly
what the API would send. Without `--json` the answer is a table for people.
"""

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click
from flask.testing import FlaskClient
from tabulate import tabulate

from service.app import create_app
from service.cli import bootstrapping


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


def _asked(path: str, parameters: Mapping[str, object], as_json: bool, table: Callable[[dict[str, Any]], str]) -> None:
    """Ask the API app in-process (migrating and loading the chronologies into an empty
    store first, as `serve` does) and print its answer."""
    url = bootstrapping.database_url()
    bootstrapping.bootstrap(url)
    with api(url) as client:
        answer = ask(client, path, parameters)
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False) if as_json else table(answer))


def _agreement_question(command: Callable[..., None]) -> Callable[..., None]:
    """The argument and options every question about one agreement takes."""
    command = click.option("--json", "as_json", is_flag=True, help="print the API's JSON answer")(command)
    command = click.option("--known-at", help="as known at this instant (ISO 8601 with offset); default: now")(command)
    return click.argument("agreement")(command)


@click.command()
@_agreement_question
@click.option("--on", help="the day (YYYY-MM-DD); default: today where the agreement lives")
def status(agreement: str, known_at: str | None, as_json: bool, on: str | None) -> None:
    """The status of AGREEMENT on a day, as GET /agreements/<id>/status answers it."""
    _asked(f"/agreements/{agreement}/status", {"on": on, "known_at": known_at}, as_json, status_table)


@click.command()
@_agreement_question
@click.option("--from", "start", help="the first day (YYYY-MM-DD); default: the first development")
@click.option("--to", "end", help="the last day (YYYY-MM-DD); default: today")
def timeline(agreement: str, known_at: str | None, as_json: bool, start: str | None, end: str | None) -> None:
    """The intervals of AGREEMENT's status between two days, as GET .../timeline answers."""
    parameters = {"from": start, "to": end, "known_at": known_at}
    _asked(f"/agreements/{agreement}/timeline", parameters, as_json, timeline_table)


@click.command()
@_agreement_question
@click.option("--after-version", type=int, help="start after this version; default: from the first")
@click.option("--limit", type=int, default=1000, show_default=True, help="at most this many events")
def events(agreement: str, known_at: str | None, as_json: bool, after_version: int | None, limit: int) -> None:
    """AGREEMENT's events as recorded, oldest first, as GET .../events answers."""
    parameters = {"after_version": after_version, "limit": limit, "known_at": known_at}
    _asked(f"/agreements/{agreement}/events", parameters, as_json, events_table)
