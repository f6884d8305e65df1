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


def open_pool(url: str, config: Mapping[str, Any], size: int | None = None) -> ConnectionPool:
    """A pool as ``config`` says (the app's configuration, or the settings' DEFAULTS: see
    service/settings.py for what each means); ``size`` fixes it, for a CLI or a benchmark."""
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
