"""Structured logs: one JSON object a line, for gunicorn's own logs, its access log and the
application's, so a log shipper needs no parsing rules.

Each access line carries the request id the response was sent with (X-Request-ID: the
client's, or one the service made up), which is also the correlation id recorded with any
event the request appended: a line in the log leads to the events and back.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

FIELDS = "fields"  # the `extra` key under which a record carries its structured fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, FIELDS, {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class JsonLogger(Logger):
    """gunicorn's logger class (``--logger-class``), writing JSON lines; the application's
    loggers write through the same handler."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)
        root = logging.getLogger()
        root.handlers = list(self.error_log.handlers)
        root.setLevel(self.error_log.level)
        # Each worker reads the schema's head revision at start, and alembic tells of every
        # plugin it loads for that at info level: not news to an operator.
        logging.getLogger("alembic").setLevel(logging.WARNING)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "request_id": headers.get("x-request-id"),
        }
        self.access_log.info("%s %s %s", fields["method"], fields["path"], status, extra={FIELDS: fields})
