"""The `pact-chronology` command: serve the API, migrate the schema, load the chronologies,
mint and revoke write tokens, import and export events, and ask what the API answers.

Every command uses DATABASE_URL when it is set, and otherwise starts the embedded
PostgreSQL in PACT_DATA_DIR (default ./.pgdata), which stops again when the command exits.
DATABASE_URL names the owner of the schema for every command but `serve`, which also
accepts the service role itself (then it neither migrates nor seeds).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
import psycopg
from tqdm import tqdm

from service import asking, bulk
from service.app import DEFAULTS
from service.clock import Clock, ClockSettingError
from service.fixtures import FixturesNotFound, fixture_files
from service.seeding import seed as seed_store
from service.storage import database, tokens
from service.storage.pool import open_pool
from service.storage.store import EventStore

T = TypeVar("T")


def database_url(create: bool = True, otherwise: str = "") -> str:
    """DATABASE_URL, or the embedded PostgreSQL in PACT_DATA_DIR -- saying which, since a
    token made in one database is unknown to a service using another. Unless ``create``,
    an embedded data folder that does not exist yet is refused rather than made (``otherwise``
    says what else the user may do)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        click.echo(f"Using DATABASE_URL: {database.described(url)}", err=True)
        return url
    data_dir = Path(os.environ.get("PACT_DATA_DIR", database.DEFAULT_DATA_DIR)).resolve()
    if not create and not database.holds_database(data_dir):
        raise click.ClickException(
            f"there is no database in {data_dir} yet: run this with the service's PACT_DATA_DIR or"
            f" DATABASE_URL, or start the service first (make run){otherwise}"
        )
    click.echo(f"No DATABASE_URL: using the embedded PostgreSQL in {data_dir}", err=True)
    return database.start_embedded(data_dir)


@contextmanager
def event_store(url: str) -> Iterator[EventStore]:
    with open_pool(url, DEFAULTS, size=2) as pool:
        yield EventStore(pool)


@click.group()
def main() -> None:
    """Event-sourced chronology of international agreements."""
    try:
        Clock.from_setting(os.environ.get("PACT_TODAY"))  # a mistake there stops every command at once
    except ClockSettingError as error:
        raise click.ClickException(str(error)) from None


@main.command()
def migrate() -> None:
    """Bring the database schema to the newest revision."""
    url = database_url()
    database.migrate(url)
    click.echo(f"schema at revision {database.head_revision()}")


@main.command()
def bootstrap() -> None:
    """Migrate, load the chronologies into an empty store, import the files PACT_IMPORT
    names, and -- with PACT_SERVICE_PASSWORD set -- let the service role (pact_api) log in
    with that password, for an API started with its own DATABASE_URL as that role (as in
    compose.yaml)."""
    url = database_url()
    _bootstrap(url, with_fixtures=True)
    password = os.environ.get("PACT_SERVICE_PASSWORD")
    if password:
        database.service_role_url(url, password)
        click.echo(f"role {database.SERVICE_ROLE} may log in with PACT_SERVICE_PASSWORD")


@main.command()
def seed() -> None:
    """Load the shipped chronologies (GSOMIA, TISA); events already stored are skipped."""
    url = database_url()
    database.migrate(url)
    with event_store(url) as store:
        for seeded in seed_store(store):
            click.echo(f"{seeded.stream_id}: {seeded.appended} events appended")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="PACT_HOST")
@click.option("--port", default=8000, show_default=True, envvar="PACT_PORT", type=int)
@click.option("--workers", default=2, show_default=True, envvar="PACT_WORKERS", type=int)
@click.option("--threads", default=8, show_default=True, envvar="PACT_THREADS", type=int)
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Migrate, load the chronologies into an empty store, import the files PACT_IMPORT
    names, and serve the API with gunicorn, connected as the least-privilege service role."""
    url = service_url(database_url())
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "service.server.worker.ProblemThreadWorker",
        "--threads", str(threads),
        "--keep-alive", "5",
        "--no-control-socket",
        "--access-logfile", "-",
        "--logger-class", "service.server.logs.JsonLogger",
        "--config", "python:service.server.config",
        "service.app:create_app()",
    ]  # fmt: skip
    # gunicorn runs as a child so that the embedded PostgreSQL (owned by this process)
    # outlives every worker and stops only after gunicorn has shut down.
    with _metrics_directory() as metrics_dir:
        environment = {**os.environ, "DATABASE_URL": url, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
        server = subprocess.Popen(command, env=environment)
        signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGTERM))
        while True:
            try:
                code = server.wait()
                break
            except KeyboardInterrupt:
                server.send_signal(signal.SIGINT)
    sys.exit(code)


@contextmanager
def _metrics_directory() -> Iterator[str]:
    """Where the workers keep their metrics (service/api/metrics.py): PROMETHEUS_MULTIPROC_DIR
    if set, else a directory of this run's, removed when the server stops."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="pact-metrics-") as directory:
        yield directory


def service_url(url: str) -> str:
    """Bootstrap as the owner -- migrate, seed an empty store, import PACT_IMPORT's files,
    let the service role log in -- and return the URL the API connects with: always the
    service role's."""
    if database.is_service_role(url):
        return url
    _bootstrap(url, with_fixtures=True)
    click.echo(
        "Reads are open to all; writes need a token: pact-chronology token create --name NAME"
        " (or `make token NAME=...`), then send 'Authorization: Bearer <token>'",
        err=True,
    )
    return database.service_role_url(url, os.environ.get("PACT_SERVICE_PASSWORD"))


@main.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_(file: TextIO) -> None:
    """Append the events of an NDJSON FILE (- for standard input), one event a line as
    `export` writes them. Every line is checked first: a bad one stops the import with its
    line number and nothing written. Events already stored are skipped."""
    url = database_url()
    database.migrate(url)
    with event_store(url) as store:
        _import_lines(store, file.name, file)


def _import_lines(store: EventStore, name: str, lines: Iterable[str]) -> None:
    """Check, then write, one file's events, saying what it appended."""
    try:
        plan = bulk.prepare(store, lines)
    except bulk.ImportFailed as failure:
        raise click.ClickException(f"{name}: {failure}") from None
    with tqdm(total=plan.to_write, unit="event", disable=None, file=sys.stderr) as bar:
        imported = bulk.write(store, plan, bar.update)
    click.echo(
        f"{name}: {imported.appended} events appended to {imported.agreements} agreements;"
        f" {imported.already_stored} were stored already",
        err=True,
    )


@main.command()
@click.option("--agreement", "agreements", multiple=True, help="only this agreement (repeatable); default: all")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export(agreements: tuple[str, ...], file: TextIO) -> None:
    """Write every event as NDJSON to FILE (default: standard output), one event a line,
    agreement by agreement, oldest first -- what `import` reads."""
    url = database_url()
    with event_store(url) as store:
        stream_ids = list(agreements) or store.stream_ids()
        with tqdm(unit="event", disable=None, file=sys.stderr) as bar:
            for line in bulk.export_events(store, stream_ids):
                file.write(line + "\n")
                bar.update()


def _asked(path: str, parameters: Mapping[str, object], as_json: bool, table: Callable[[dict[str, Any]], str]) -> None:
    """Ask the API app in-process (migrating and loading the chronologies into an empty
    store first, as `serve` does) and print its answer."""
    url = database_url()
    _bootstrap(url)
    with asking.api(url) as client:
        answer = asking.ask(client, path, parameters)
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False) if as_json else table(answer))


def _agreement_question(command: Callable[..., None]) -> Callable[..., None]:
    """The argument and options every question about one agreement takes."""
    command = click.option("--json", "as_json", is_flag=True, help="print the API's JSON answer")(command)
    command = click.option("--known-at", help="as known at this instant (ISO 8601 with offset); default: now")(command)
    return click.argument("agreement")(command)


@main.command()
@_agreement_question
@click.option("--on", help="the day (YYYY-MM-DD); default: today where the agreement lives")
def status(agreement: str, known_at: str | None, as_json: bool, on: str | None) -> None:
    """The status of AGREEMENT on a day, as GET /agreements/<id>/status answers it."""
    _asked(f"/agreements/{agreement}/status", {"on": on, "known_at": known_at}, as_json, asking.status_table)


@main.command()
@_agreement_question
@click.option("--from", "start", help="the first day (YYYY-MM-DD); default: the first development")
@click.option("--to", "end", help="the last day (YYYY-MM-DD); default: today")
def timeline(agreement: str, known_at: str | None, as_json: bool, start: str | None, end: str | None) -> None:
    """The intervals of AGREEMENT's status between two days, as GET .../timeline answers."""
    parameters = {"from": start, "to": end, "known_at": known_at}
    _asked(f"/agreements/{agreement}/timeline", parameters, as_json, asking.timeline_table)


@main.command()
@_agreement_question
@click.option("--after-version", type=int, help="start after this version; default: from the first")
@click.option("--limit", type=int, default=1000, show_default=True, help="at most this many events")
def events(agreement: str, known_at: str | None, as_json: bool, after_version: int | None, limit: int) -> None:
    """AGREEMENT's events as recorded, oldest first, as GET .../events answers."""
    parameters = {"after_version": after_version, "limit": limit, "known_at": known_at}
    _asked(f"/agreements/{agreement}/events", parameters, as_json, asking.events_table)


def _bootstrap(url: str, with_fixtures: bool = False) -> None:
    """Migrate, load the chronologies into an empty store and, ``with_fixtures``, import the
    NDJSON files PACT_IMPORT names (service/fixtures.py), one after another."""
    try:
        fixtures = fixture_files(os.environ.get("PACT_IMPORT")) if with_fixtures else []
    except FixturesNotFound as error:
        raise click.ClickException(str(error)) from None
    database.migrate(url)
    with event_store(url) as store:
        if not store.stream_ids():
            for seeded in seed_store(store):
                click.echo(f"loaded {seeded.stream_id}: {seeded.appended} events", err=True)
        for path in fixtures:
            with path.open(encoding="utf-8") as lines:
                _import_lines(store, str(path), lines)


@main.group()
def token() -> None:
    """Mint, list and revoke the bearer tokens that writes need."""


@token.command("create")
@click.option("--name", required=True, help="who holds the token; recorded as recorded_by on what it writes")
@click.option("--create-database", is_flag=True, help="make the embedded database if PACT_DATA_DIR holds none yet")
def token_create(name: str, create_database: bool) -> None:
    """Mint a token and print it: it is shown this once and stored only hashed."""
    with _owner_connection(create_database, ", or pass --create-database to make one") as connection:
        click.echo(_or_fail(lambda: tokens.create(connection, name)))


@token.command("list")
def token_list() -> None:
    """Every token's name, when it was created and when it was revoked."""
    with _owner_connection() as connection:
        for info in tokens.listing(connection):
            revoked = f"revoked {info.revoked_at.isoformat()}" if info.revoked_at else "active"
            click.echo(f"{info.name}\tcreated {info.created_at.isoformat()}\t{revoked}")


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke the token NAME at once: its next request is refused."""
    with _owner_connection() as connection:
        _or_fail(lambda: tokens.revoke(connection, name))
        click.echo(f"revoked {name}")


@contextmanager
def _owner_connection(create: bool = False, otherwise: str = "") -> Iterator[psycopg.Connection]:
    url = database_url(create, otherwise)
    database.migrate(url)
    with psycopg.connect(url, autocommit=True) as connection:
        yield connection


def _or_fail(action: Callable[[], T]) -> T:
    try:
        return action()
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
