"""`make bench`: start PostgreSQL and the service as `make run` does, measure, print a table.

Every row compares two figures measured in the same run, interleaved, median of three;
docs/performance.md explains each row and what bounds it.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import make_conninfo

from bench import knowledge, relations, rows
from bench.harness import table
from service.storage import tokens
from service.storage.database import SERVICE_ROLE, migrate


@contextmanager
def postgres() -> Iterator[str]:
    """A database of its own: on BENCH_DATABASE_URL's server, else an embedded one."""
    given = os.environ.get("BENCH_DATABASE_URL")
    if given:
        yield given
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="pact-bench-") as data:
        server = pgserver.get_server(Path(data), cleanup_mode="delete")
        with psycopg.connect(server.get_uri(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE pact_bench")
        yield server.get_uri(database="pact_bench")
        server.cleanup()


@contextmanager
def another_database(owner_url: str) -> Iterator[str]:
    """A second, empty database on the same server, dropped afterwards."""
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute("CREATE DATABASE pact_bench_other")
    try:
        yield urlunsplit(urlsplit(owner_url)._replace(path="/pact_bench_other"))
    finally:
        with psycopg.connect(owner_url, autocommit=True) as owner:
            owner.execute("DROP DATABASE pact_bench_other WITH (FORCE)")


@contextmanager
def service(owner_url: str, password: str, **env: str) -> Iterator[tuple[str, int]]:
    """`pact-chronology serve` with `make run`'s settings (and ``env``); its URL and process id."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": owner_url, "PACT_SERVICE_PASSWORD": password, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    said = []
    for line in process.stderr:
        if "Listening at" in line:
            break
        said.append(line)
    else:
        raise SystemExit(f"the service did not start: exit {process.wait()}\n{''.join(said[-5:])}")
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main() -> None:
    started = time.monotonic()
    with postgres() as owner_url:
        migrate(owner_url)
        with psycopg.connect(owner_url, autocommit=True) as owner:
            token = tokens.create(owner, f"bench-{secrets.token_hex(4)}")
        password = secrets.token_urlsafe(16)
        with service(owner_url, password) as (base, pid):
            service_url = make_conninfo(owner_url, user=SERVICE_ROLE, password=password)
            measured = [
                *_step("P1", lambda: rows.reads(base)),
                *_step("P2", lambda: rows.appends(owner_url, service_url, base, token)),
                *_step("P3", lambda: [rows.bulk_import(owner_url)]),
                *_step("P4", lambda: rows.peer(owner_url)),
                *_step("P5", lambda: rows.concurrency(service_url, owner_url)),
                *_step("P6", lambda: rows.latency(base, owner_url)),
                *_step("P8", lambda: knowledge.token_reads(base, token)),
                *_step("P9", lambda: knowledge.notification_delay(owner_url, service_url)),
                *_step("P11", lambda: knowledge.servers(base, service_url)),
            ]
            rss = rows.worker_rss_mb(pid)
            with another_database(owner_url) as small_url, service(small_url, password) as (small, _):
                measured += _step("P7", lambda: relations.relations(base, owner_url, small))
        measured += _step("P10", lambda: knowledge.replica_reads(password, service))
    load = "wrk" if shutil.which("wrk") else "Python threads (wrk is not installed)"
    notes = [
        f"Largest worker's resident memory after the run: {rss:.0f} MB.",
        f"HTTP load: {load}; {os.cpu_count()} cores; {time.monotonic() - started:.0f} s in all.",
    ]
    print(table(measured, notes))


def _step(name: str, measure: Callable[[], list[rows.Row]]) -> list[rows.Row]:
    print(f"measuring {name} ...", file=sys.stderr, flush=True)
    return measure()


if __name__ == "__main__":
    main()
