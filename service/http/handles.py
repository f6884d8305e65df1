"""What the views share, built once per app and found through ``current_app``."""

from dataclasses import dataclass

from flask import current_app
from psycopg_pool import ConnectionPool

from service.http.caching import BodyCache
from service.storage.store import EventStore


@dataclass(frozen=True)
class Handles:
    """The connection pool, the event store on it, the answers kept in memory, and the
    schema revision the code expects."""

    pool: ConnectionPool
    store: EventStore
    bodies: BodyCache
    head_revision: str | None

    def close(self) -> None:
        if self.store.known is not None:
            self.store.known.close()
        self.store.replicas.close()
        self.pool.close()


def handles() -> Handles:
    found: Handles = current_app.extensions["pact"]
    return found
