"""gunicorn settings `pact-chronology serve` loads (``--config python:service.server.config``)."""

from typing import Any

from prometheus_client import multiprocess

# The app's modules, imported once here in the master: each forked worker then boots without
# importing them again (seconds on a busy machine), so a worker answers as soon as gunicorn
# says it listens, and one that restarts is back at once.
import service.app  # noqa: F401


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits stops counting in the live gauges (see service/api/metrics.py)."""
    multiprocess.mark_process_dead(worker.pid)
