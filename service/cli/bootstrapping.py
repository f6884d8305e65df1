"""Which database a command works on, and readying it: migrate, load the chronologies into
an empty store, import PACT_IMPORT's fixtures, and let the service role log in.

Every command uses DATABASE_URL when it is set, and otherwise starts the embedded
PostgreSQL in PACT_DATA_DIR (default ./.pgdata), which stops again when the command exits.
"""

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from tqdm import tqdm

from service.cli import bulk
from service.cli.fixtures import FixturesNotFound, fixture_files
from service.cli.seeding import seed as seed_store
from service.settings import DEFAULTS, default
from service.storage import database
from service.storage.pool import open_pool
from service.storage.store import EventStore


def database_url(create: bool = True, otherwise: str = "") -> str:
    """DATABASE_URL, or the embedded PostgreSQL in PACT_DATA_DIR -- saying which, since a
    token made in one database is unknown to a service using another. Unless ``create``,
    an embedded data folder that does not exist yet is refused rather than made (``otherwise``
    says what else the user may do)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        click.echo(f"Using DATABASE_URL: {database.described(url)}", err=True)
        return url
    data_dir = Path(os.environ.get("PACT_DATA_DIR", str(default("PACT_DATA_DIR")))).resolve()
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


def bootstrap(url: str, with_fixtures: bool = False) -> None:
    """Migrate, load the chronologies into an empty store and, ``with_fixtures``, import the
    NDJSON files PACT_IMPORT names (service/cli/fixtures.py), one after another."""
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
                import_lines(store, str(path), lines)


def import_lines(store: EventStore, name: str, lines: Iterable[str]) -> None:
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


def service_url(url: str) -> str:
    """Bootstrap as the owner -- migrate, seed an empty store, import PACT_IMPORT's files,
    let the service role log in -- and return the URL the API connects with: always the
    service role's."""
    if database.is_service_role(url):
        return url
    bootstrap(url, with_fixtures=True)
    click.echo(
        "Reads are open to all; writes need a token: pact-chronology token create --name NAME"
        " (or `make token NAME=...`), then send 'Authorization: Bearer <token>'",
        err=True,
    )
    return database.service_role_url(url, os.environ.get("PACT_SERVICE_PASSWORD"))
