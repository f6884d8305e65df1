"""The `pact-chronology` command: serve the API, migrate the schema, load the chronologies,
import and export events; tokens (service/cli/token.py) and the questions the API answers
(service/cli/questions.py) are its subcommands too.

DATABASE_URL names the owner of the schema for every command but `serve`, which also
accepts the service role itself (then it neither migrates nor seeds).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO, TypeVar

import click
import psycopg
from marshmallow import ValidationError
from tqdm import tqdm

from events import Instant
from service.app import replica_urls
from service.cli import bootstrapping, bulk, questions, tables, token, verification
from service.cli.seeding import seed as seed_store
from service.clock import Clock, ClockSettingError
from service.settings import default, number
from service.storage import database

T = TypeVar("T")


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
    url = bootstrapping.database_url()
    database.migrate(url)
    click.echo(f"schema at revision {database.head_revision()}")


@main.command("wait-for-schema")
@click.option("--timeout", default=300, show_default=True, type=click.IntRange(0, 86400), help="seconds at most")
def wait_for_schema(timeout: int) -> None:
    """Wait until the database's schema is at the revision this code needs: connected as any
    role that may read it (the service role too), for an init container that holds an API
    back until the bootstrap of its release has migrated. Exits 1 if it is not by then."""
    url = bootstrapping.database_url(create=False)
    needed, deadline = database.head_revision(), time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=5) as connection:
                found = database.current_revision(connection)
        except psycopg.OperationalError as error:
            found = f"unreachable ({str(error).strip()})"
        if found == needed:
            click.echo(f"schema at revision {needed}")
            return
        if time.monotonic() >= deadline:
            raise click.ClickException(f"the schema is at {found}, not {needed}, after {timeout} s: has bootstrap run?")
        time.sleep(1)


@main.command()
def bootstrap() -> None:
    """Migrate, load the chronologies into an empty store, import the files PACT_IMPORT
    names, and -- with PACT_SERVICE_PASSWORD set -- let the service role (pact_api) log in
    with that password, for an API started with its own DATABASE_URL as that role (as in
    compose.yaml)."""
    url = bootstrapping.database_url()
    bootstrapping.bootstrap(url, with_fixtures=True)
    password = os.environ.get("PACT_SERVICE_PASSWORD")
    if password:
        database.service_role_url(url, password)
        click.echo(f"role {database.SERVICE_ROLE} may log in with PACT_SERVICE_PASSWORD")


@main.command()
def seed() -> None:
    """Load the shipped chronologies (GSOMIA, TISA and the other information-protection
    agreements); events already stored are skipped."""
    url = bootstrapping.database_url()
    database.migrate(url)
    with bootstrapping.event_store(url) as store:
        for seeded in seed_store(store):
            click.echo(f"{seeded.stream_id}: {seeded.appended} events appended")


@main.command()
@click.option("--host", default=default("PACT_HOST"), show_default=True, envvar="PACT_HOST")
@click.option("--port", default=int(number("PACT_PORT")), show_default=True, envvar="PACT_PORT", type=int)
@click.option("--workers", default=int(number("PACT_WORKERS")), show_default=True, envvar="PACT_WORKERS", type=int)
@click.option("--threads", default=int(number("PACT_THREADS")), show_default=True, envvar="PACT_THREADS", type=int)
@click.option(
    "--stop-timeout",
    default=int(number("PACT_STOP_TIMEOUT")),
    show_default=True,
    envvar="PACT_STOP_TIMEOUT",
    type=click.IntRange(1, 3600),
    help="seconds requests in flight get once the server is told to stop (SIGTERM)",
)
def serve(host: str, port: int, workers: int, threads: int, stop_timeout: int) -> None:
    """Migrate, load the chronologies into an empty store, import the files PACT_IMPORT
    names, read and replay every stored event (service/cli/verification.py), and serve the
    API with gunicorn, connected as the least-privilege service role.

    On SIGTERM it stops taking connections, ends live streams (with a hint to reconnect)
    and long-polls (with their empty page) within a second, answers the requests in flight,
    and exits: within --stop-timeout seconds, whatever the clients do."""
    try:
        replica_urls(os.environ.get("PACT_REPLICA_URLS"))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    url = bootstrapping.service_url(bootstrapping.database_url())
    with bootstrapping.event_store(url) as store:
        verified = verification.verify(store)
    click.echo(f"read and replayed {verified.events} events of {verified.agreements} agreements", err=True)
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "service.server.worker.ProblemThreadWorker",
        "--threads", str(threads),
        "--keep-alive", "5",
        "--graceful-timeout", str(stop_timeout),
        "--no-control-socket",
        "--access-logfile", "-",
        "--logger-class", "service.server.logs.JsonLogger",
        "--config", "python:service.server.config",
        "service.app:create_app()",
    ]  # fmt: skip
    # gunicorn runs as a child so that the embedded PostgreSQL (owned by this process)
    # outlives every worker and stops only after gunicorn has shut down.
    with _metrics_directory() as metrics_dir, tempfile.TemporaryDirectory(prefix="pact-writes-") as writes_dir:
        # The workers share the writes they acknowledge through this file (service/storage/knowledge/shared_writes.py).
        shared = os.environ.get("PACT_SHARED_WRITES") or str(Path(writes_dir) / "writes")
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
            "PACT_SHARED_WRITES": shared,
        }
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


@main.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_(file: TextIO) -> None:
    """Append the events of an NDJSON FILE (- for standard input), one event a line as
    `export` writes them. Every line is checked first: a bad one stops the import with its
    line number and nothing written. Events already stored are skipped."""
    url = bootstrapping.database_url()
    database.migrate(url)
    with bootstrapping.event_store(url) as store:
        bootstrapping.import_lines(store, file.name, file)


@main.command()
@click.option(
    "--table",
    type=click.Choice(list(tables.TABLES)),
    default="events",
    show_default=True,
    help="which table: every event, every timeline, the dyads, or the dyad-years",
)
@click.option(
    "--format",
    "written_as",
    type=click.Choice(["ndjson", "csv"]),
    default="ndjson",
    show_default=True,
    help="one JSON row a line, or CSV with one header row",
)
@click.option("--known-at", help="as recorded at this instant (ISO 8601 with its offset); default: all known now")
@click.option("--agreement", "agreements", multiple=True, help="only this agreement (repeatable); default: all")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export(table: str, written_as: str, known_at: str | None, agreements: tuple[str, ...], file: TextIO) -> None:
    """Write a table to FILE (default: standard output), with a progress bar on standard
    error. The default, every event as NDJSON agreement by agreement, oldest first, is what
    `import` reads; the other tables are the ones GET /datasets lists, as the API answers
    them."""
    url = bootstrapping.database_url()
    if table == "events" and written_as == "ndjson":
        with bootstrapping.event_store(url) as store:
            stream_ids = list(agreements) or store.stream_ids()
            with tqdm(unit="event", disable=None, file=sys.stderr) as bar:
                for line in bulk.export_events(store, stream_ids, _instant(known_at)):
                    file.write(line + "\n")
                    bar.update()
        return
    with questions.api(url) as client:
        tables.write(client, table, written_as == "csv", known_at, agreements, file)


def _instant(text: str | None) -> datetime | None:
    """``--known-at`` read as the API reads ``known_at``."""
    if text is None:
        return None
    try:
        return Instant().deserialize(text)
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.messages), param_hint="--known-at") from None


main.add_command(questions.status)
main.add_command(questions.timeline)
main.add_command(questions.events)
main.add_command(token.token)
