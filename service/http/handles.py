"""What the views share, built once per app and found through ``current_app`` -- and, from
them, the agreement as a request asks to know it (``known_as_asked``)."""

from dataclasses import dataclass

from flask import current_app
from psycopg_pool import ConnectionPool

from service import queries
from service.http import requests
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


def known_as_asked(agreement_id: str) -> queries.Known:
    """The agreement as this request asks to know it: at its ``known_at`` (now, when it
    names none), including at least the writes its consistency tokens name."""
    question = requests.question()
    tokens = requests.consistency_tokens(question.get("consistent_with"))
    return queries.known(handles().store, agreement_id, question.get("known_at"), tokens)
