"""Prometheus metrics at /metrics: requests by route, method and status, their latency,
events appended (counted where they are written, service/commands.py),
and the connection pool.

gunicorn runs several worker processes; `pact-chronology serve` gives them a shared
PROMETHEUS_MULTIPROC_DIR, so a scrape of any worker reports the whole server
(prometheus-client's multiprocess mode, with service/server/config.py clearing a worker's
gauges when it exits). Routes are labelled by their rule, never by the raw path, so no
client can mint new time series.
"""

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from service.http.handles import handles
from service.http.promises import Answer, promises

bp = Blueprint("metrics", __name__)

REQUESTS = Counter("pact_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "pact_http_request_duration_seconds",
    "Time to answer an HTTP request (a live stream: until its first byte)",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
POOL = Gauge(
    "pact_pool_connections",
    "Database connections of the workers' pools: open, idle, and requests waiting for one",
    ["state"],
    multiprocess_mode="livesum",
)


def install(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        if "started" in g:
            LATENCY.labels(route, request.method).observe(time.perf_counter() - g.started)
        stats = handles().pool.get_stats()
        POOL.labels("open").set(stats.get("pool_size", 0))
        POOL.labels("idle").set(stats.get("pool_available", 0))
        POOL.labels("waiting").set(stats.get("requests_waiting", 0))
        return response


@bp.get("/metrics")
@promises(
    summary="Metrics",
    tag="operations",
    answers=(Answer(200, "Prometheus text exposition format", None, "text/plain"),),
)
def metrics() -> Response:
    """Request counts and latencies by route, appends and pool usage, for Prometheus."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return Response(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
