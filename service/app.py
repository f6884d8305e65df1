"""The Flask application factory.

``create_app`` opens nothing at import time. Configuration comes from the settings'
defaults (service/settings.py), then PACT_* environment variables (``from_prefixed_env``),
then DATABASE_URL, then the caller's overrides -- tests pass everything explicitly and
never touch the environment.
"""

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask, Response
from flask_cors import CORS
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool
from werkzeug.routing import BaseConverter

from events import PARTY_ID_PATTERN
from service.api import agreement_events, calendar, datapackage, feed, health, metrics, openapi, relations
from service.api.errors import register_error_handlers
from service.api.openapi.document import build as build_document
from service.clock import Clock
from service.http import requests
from service.http.caching import BodyCache
from service.http.encoding import OrjsonProvider
from service.http.handles import Handles
from service.http.inbound import AGREEMENT_ID_PATTERN
from service.http.promises import keep_promised_parameters, offer_promised_representations
from service.settings import DEFAULTS
from service.storage.database import described, head_revision
from service.storage.history_cache import HistoryCache
from service.storage.knowledge.replicas import Replicas
from service.storage.knowledge.shared_writes import SharedWrites
from service.storage.knowledge.versions import KnownVersions
from service.storage.pool import open_pool
from service.storage.store import EventStore
from service.web import pages

# What a browser script on another origin may read of an answer, beyond the basics.
EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Location",
    "Retry-After",
    "X-Request-ID",
    requests.CONSISTENCY_TOKEN,
    "Content-Location",
]


class AgreementIdConverter(BaseConverter):
    """Only a well-formed agreement id matches a route (anything else is a 404), so no NUL
    byte or other oddity in a path ever reaches the database."""

    regex = AGREEMENT_ID_PATTERN


class PartyIdConverter(BaseConverter):
    """A party's id (an ISO 3166-1 alpha-3 code, or a lower-case slug), likewise."""

    regex = f"(?:{PARTY_ID_PATTERN})"


class PactFlask(Flask):
    def make_default_options_response(self) -> Response:
        """OPTIONS on a route: which methods it allows, in Allow, and no content (RFC 9110
        9.3.7) -- not Flask's empty text/html page. A CORS preflight gets its headers on top
        of this from flask-cors; a 204 is the "ok status" the Fetch standard asks of it."""
        response = super().make_default_options_response()
        response.status_code = 204
        del response.headers["Content-Type"]
        # Flask gathers the methods in a set: the same order in every process, whatever its hash seed.
        response.headers["Allow"] = ", ".join(sorted(response.allow))
        return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = PactFlask(__name__, static_folder="web/static", template_folder="web/templates")
    app.json = OrjsonProvider(app)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PACT")
    if "DATABASE_URL" in os.environ:
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config.update(config or {})
    if not app.config.get("DATABASE_URL"):
        raise RuntimeError("DATABASE_URL is not set: run `pact-chronology serve`, which provides one")

    # A mistaken setting stops the start before anything is opened that would outlive it.
    app.extensions["pact_clock"] = Clock.from_setting(app.config.get("TODAY"))
    replicas = replica_urls(app.config["REPLICA_URLS"])
    pool = open_pool(app.config["DATABASE_URL"], app.config)
    shared = app.config["SHARED_WRITES"]
    known = KnownVersions(
        app.config["DATABASE_URL"],
        SharedWrites(Path(shared)) if shared else SharedWrites.in_process(_database_of(app.config["DATABASE_URL"])),
        connect_timeout=int(app.config["CONNECT_TIMEOUT"]),
        waiters=int(app.config["CONSISTENCY_WAITERS"]),
    )
    app.extensions["pact_streams"] = threading.BoundedSemaphore(int(app.config["MAX_STREAMS"]))
    app.extensions["pact"] = Handles(
        pool=pool,
        store=EventStore(
            pool,
            HistoryCache(max_events=int(app.config["CACHED_EVENTS"])),
            known,
            consistency_wait=float(app.config["CONSISTENCY_WAIT"]),
            replicas=_replicas(app, pool, replicas),
        ),
        bodies=BodyCache(max_bytes=int(app.config["CACHED_ANSWER_BYTES"])),
        head_revision=head_revision(),
    )
    register_error_handlers(app)
    requests.echo_request_ids(app)
    keep_promised_parameters(app)
    offer_promised_representations(app)
    metrics.install(app)
    _allow_cross_origin_reads(app)
    _route(app)
    return app


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of every route, written without opening anything -- no pool, no
    listener: what the documentation's reference of the HTTP API is written from."""
    app = PactFlask(__name__)
    app.config.from_mapping(DEFAULTS)
    _route(app)
    return build_document(app)


def _route(app: Flask) -> None:
    """Every route of the service, with the converters of its ids."""
    app.url_map.converters["agreement"] = AgreementIdConverter
    app.url_map.converters["party"] = PartyIdConverter
    # The agreements blueprint comes from the module of an agreement's events, and the
    # datasets blueprint from the module of their descriptor, each of which adds its routes
    # to it: so each is registered complete.
    blueprints = (
        agreement_events.bp,
        relations.bp,
        datapackage.bp,
        feed.bp,
        calendar.bp,
        health.bp,
        openapi.bp,
        metrics.bp,
        pages.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def replica_urls(setting: str | None) -> list[str]:
    """PACT_REPLICA_URLS: connection strings separated by commas; ValueError naming the one
    that is none, so a typo stops the start rather than leaving a replica never asked."""
    urls = [url.strip() for url in (setting or "").split(",") if url.strip()]
    for url in urls:
        try:
            conninfo_to_dict(url)
        except psycopg.ProgrammingError as error:
            raise ValueError(f"PACT_REPLICA_URLS: {url[:100]!r} is not a connection string ({error})") from None
    return urls


def _database_of(url: str) -> str:
    """Which database ``url`` names, whoever connects: host, port and database name."""
    parts = conninfo_to_dict(url)
    return f"{parts.get('host', '')}:{parts.get('port', '')}/{parts.get('dbname', '')}"


def _replicas(app: Flask, primary: ConnectionPool, urls: list[str]) -> Replicas:
    """The replicas at ``urls``, each read on a pool of its own."""
    return Replicas(
        [(described(url), url) for url in urls],
        primary,
        float(app.config["REPLICA_MAX_LAG"]),
        open_pool=lambda url: open_pool(url, app.config),
    )


def _allow_cross_origin_reads(app: Flask) -> None:
    """CORS for GET (and its preflight) from the configured origins; no credentials."""
    origins = [origin.strip() for origin in str(app.config["CORS_ORIGINS"]).split(",") if origin.strip()]
    CORS(app, origins=origins, methods=["GET", "HEAD"], expose_headers=EXPOSED_HEADERS, supports_credentials=False)
