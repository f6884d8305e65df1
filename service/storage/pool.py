"""The service's connection pool, tuned for a database that may go away and come back.

Connections are in autocommit: a read is one round trip, with no BEGIN and COMMIT around
it, and a statement is a transaction of its own unless a ``transaction()`` block says
otherwise. The event store relies on that (service/storage/store.py).

A connection is checked (one empty round trip) before it is lent only if it sat unused
for a while: one handed back a moment ago was working then, and checking every
connection on every borrow would cost each request a round trip. A connection that died
in the meantime fails its query once (a 503) and is then thrown away by the pool.
"""

import time
import weakref
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

# The pool's settings (PACT_POOL_MIN_SIZE and so on), as the app and the CLI start it.
POOL_DEFAULTS: dict[str, Any] = {
    "POOL_MIN_SIZE": 1,
    "POOL_MAX_SIZE": 10,
    # With the database gone, a request waits this long for a connection before its 503.
    "POOL_TIMEOUT": 1.5,
    # A connection attempt that keeps failing is given up after this long, so the pool
    # tries afresh on the next request instead of backing off for minutes: once the
    # database is back, the next request reconnects at once.
    "POOL_RECONNECT_TIMEOUT": 1.0,
    "CONNECT_TIMEOUT": 2,
    # No statement of a request waits on the database longer than this (a lock held
    # elsewhere, say): the request gets a 503 instead of holding its thread.
    "STATEMENT_TIMEOUT": 5.0,
}

# A connection unused for longer than this is checked before it is lent.
TRUSTED_FOR_SECONDS = 1.0


class _IdleCheck:
    def __init__(self) -> None:
        self._returned: weakref.WeakKeyDictionary[psycopg.Connection[Any], float] = weakref.WeakKeyDictionary()

    def returned(self, connection: psycopg.Connection[Any]) -> None:
        self._returned[connection] = time.monotonic()

    def check(self, connection: psycopg.Connection[Any]) -> None:
        if time.monotonic() - self._returned.get(connection, 0.0) > TRUSTED_FOR_SECONDS:
            ConnectionPool.check_connection(connection)


def _autocommit(connection: psycopg.Connection[Any]) -> None:
    connection.autocommit = True


def open_pool(url: str, config: Mapping[str, Any] = POOL_DEFAULTS, size: int | None = None) -> ConnectionPool:
    """A pool as ``config`` says (the app's settings, default POOL_DEFAULTS); ``size`` fixes
    it, for a CLI or a benchmark."""
    idle = _IdleCheck()
    return ConnectionPool(
        url,
        min_size=size or int(config["POOL_MIN_SIZE"]),
        max_size=size or int(config["POOL_MAX_SIZE"]),
        timeout=float(config["POOL_TIMEOUT"]),
        reconnect_timeout=float(config["POOL_RECONNECT_TIMEOUT"]),
        configure=_autocommit,
        check=idle.check,
        reset=idle.returned,
        kwargs={
            "connect_timeout": int(config["CONNECT_TIMEOUT"]),
            "options": f"-c statement_timeout={int(float(config['STATEMENT_TIMEOUT']) * 1000)}",
        },
        open=True,
        name="pact-chronology",
    )
