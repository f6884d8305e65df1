"""The `pact-chronology` command: serve the API, migrate the schema, load the chronologies.

Every command uses DATABASE_URL when it is set, and otherwise starts the embedded
PostgreSQL in PACT_DATA_DIR (default ./.pgdata), which stops again when the command exits.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from psycopg_pool import ConnectionPool

from service import database
from service.seeding import seed as seed_store
from service.store import EventStore


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("PACT_DATA_DIR", database.DEFAULT_DATA_DIR))
    click.echo(f"No DATABASE_URL: starting the embedded PostgreSQL in {data_dir}", err=True)
    return database.start_embedded(data_dir)


@contextmanager
def event_store(url: str) -> Iterator[EventStore]:
    with ConnectionPool(url, min_size=1, max_size=2, open=True) as pool:
        yield EventStore(pool)


@click.group()
def main() -> None:
    """Event-sourced chronology of international agreements."""


@main.command()
def migrate() -> None:
    """Bring the database schema to the newest revision."""
    url = database_url()
    database.migrate(url)
    click.echo(f"schema at revision {database.head_revision()}")


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
def serve(host: str, port: int, workers: int) -> None:
    """Migrate, load the chronologies into an empty store, and serve the API with gunicorn."""
    url = database_url()
    database.migrate(url)
    with event_store(url) as store:
        if not store.stream_ids():
            for seeded in seed_store(store):
                click.echo(f"loaded {seeded.stream_id}: {seeded.appended} events", err=True)
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--access-logfile", "-",
        "service.app:create_app()",
    ]  # fmt: skip
    # gunicorn runs as a child so that the embedded PostgreSQL (owned by this process)
    # outlives every worker and stops only after gunicorn has shut down.
    server = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": url})
    signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGTERM))
    while True:
        try:
            sys.exit(server.wait())
        except KeyboardInterrupt:
            server.send_signal(signal.SIGINT)


if __name__ == "__main__":
    main()
