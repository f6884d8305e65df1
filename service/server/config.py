"""gunicorn settings `pact-chronology serve` loads (``--config python:service.server.config``)."""

from typing import Any

from prometheus_client import multiprocess


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits stops counting in the live gauges (see service/api/metrics.py)."""
    multiprocess.mark_process_dead(worker.pid)
