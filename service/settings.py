"""Every setting the service takes from its environment -- its name, its default and what it
means -- in one place. The app's configuration, the command line and the server take their
defaults from here, and the documentation's table of settings is written from ``SETTINGS``,
so a setting added here is documented at the next build.

A ``PACT_*`` variable reaches the app as the configuration key without its prefix (Flask's
``from_prefixed_env``): ``PACT_POOL_TIMEOUT`` is ``app.config["POOL_TIMEOUT"]``.
"""

from dataclasses import dataclass

PREFIX = "PACT_"


@dataclass(frozen=True)
class Setting:
    """One environment variable: its value when unset (``default``; None when it has none,
    and ``unset`` then says what leaving it out means) and what it sets."""

    name: str
    default: str | int | float | None
    meaning: str
    unset: str = ""

    @property
    def key(self) -> str:
        """The app's configuration key."""
        return self.name.removeprefix(PREFIX)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "PostgreSQL URL (`postgresql://user:password@host:5432/db`) to use instead of the embedded server",
        unset="the embedded server",
    ),
    Setting("PACT_DATA_DIR", ".pgdata", "where the embedded PostgreSQL keeps its data"),
    Setting("PACT_HOST", "127.0.0.1", "the address `serve` listens on (also `--host`)"),
    Setting("PACT_PORT", 8000, "the port `serve` listens on (also `--port`)"),
    Setting("PACT_WORKERS", 2, "server worker processes (also `--workers`)"),
    Setting("PACT_THREADS", 8, "request threads per worker (also `--threads`)"),
    Setting("PACT_READ_TIMEOUT", 10, "seconds a client has to send a whole request (line, headers, body) before a 408"),
    Setting(
        "PACT_STOP_TIMEOUT",
        20,
        "seconds a server told to stop (SIGTERM) gives the requests in flight before it closes their connections;"
        " live streams and long-polls end within a second (also `--stop-timeout`)",
    ),
    Setting("PACT_POOL_MIN_SIZE", 1, "database connections a worker keeps open"),
    Setting("PACT_POOL_MAX_SIZE", 10, "database connections a worker may open (keep it at least `PACT_THREADS`)"),
    Setting("PACT_POOL_TIMEOUT", 1.5, "seconds a request waits for a connection before a 503"),
    Setting("PACT_CONNECT_TIMEOUT", 2, "seconds one attempt to connect to the database may take"),
    Setting("PACT_STATEMENT_TIMEOUT", 5.0, "seconds one database statement of a request may take before a 503"),
    Setting(
        "PACT_POOL_RECONNECT_TIMEOUT",
        1.0,
        "seconds a failing connection attempt is retried before the pool gives it up (the next request tries"
        " afresh, so a database that is back is reconnected at once)",
    ),
    Setting("PACT_MAX_CONTENT_LENGTH", 1024 * 1024, "largest request body in bytes"),
    Setting("PACT_CACHED_EVENTS", 200_000, "decoded events kept in memory per worker"),
    Setting("PACT_CACHED_ANSWER_BYTES", 32 * 1024 * 1024, "answer bodies kept in memory per worker, by ETag"),
    Setting("PACT_MAX_STREAMS", 4, "live streams (`/events/stream`) and long-polls (`wait=`) per worker"),
    Setting("PACT_MAX_WAIT_SECONDS", 30, "the longest a long-poll waits, whatever `wait` asks"),
    Setting("PACT_STREAM_SECONDS", 300, "how long one live stream lasts before the client reconnects where it was"),
    Setting("PACT_STREAM_HEARTBEAT_SECONDS", 5.0, "quiet seconds after which a live stream sends `: keep-alive`"),
    Setting(
        "PACT_TODAY",
        None,
        'a day `YYYY-MM-DD` that every "today" default answers for (for integration tests); read at start,'
        " shown in `/healthz`",
        unset="the real day",
    ),
    Setting(
        "PACT_IMPORT",
        None,
        "NDJSON files (a path, or a glob) that `bootstrap` and `serve` import after the shipped chronologies",
        unset="none",
    ),
    Setting(
        "PACT_CONSISTENCY_WAIT",
        1.0,
        "seconds a read carrying a consistency token waits for the server to know its write before asking the database",
    ),
    Setting(
        "PACT_CONSISTENCY_WAITERS",
        4,
        "reads per worker that may wait so at once; others ask the database straight away, so tokens naming"
        " writes that never come cannot hold every thread",
    ),
    Setting(
        "PACT_REPLICA_URLS",
        "",
        "hot standbys reads may go to, comma-separated connection strings as `pact_api`; one that is no"
        " connection string stops `serve` at once, naming it",
        unset="none",
    ),
    Setting(
        "PACT_REPLICA_MAX_LAG",
        5.0,
        "seconds a replica's replay may lag the primary before it leaves the rotation (until it catches up)",
    ),
    Setting(
        "PACT_SHARED_WRITES",
        None,
        "the file one server's workers share their acknowledged writes through; set it only to share it on purpose",
        unset="a file per `serve`",
    ),
    Setting(
        "PACT_CORS_ORIGINS",
        "*",
        "origins whose browser scripts may read the API, comma-separated (writes are never offered cross-origin)",
    ),
    Setting(
        "PACT_DATA_LICENSE",
        "CC-BY-4.0",
        "the licence the datasets' descriptor (`GET /datasets/datapackage.json`) gives the tables, as an SPDX id",
    ),
    Setting(
        "PROMETHEUS_MULTIPROC_DIR",
        None,
        "where `serve`'s workers keep the metrics `/metrics` adds up",
        unset="a temporary directory per start",
    ),
    Setting(
        "PACT_SERVICE_PASSWORD",
        None,
        "the password `serve` (as owner) or `bootstrap` gives the `pact_api` role",
        unset="random per start",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}

# The app's configuration before the environment and the caller have their say.
DEFAULTS: dict[str, str | int | float | None] = {
    setting.key: setting.default for setting in SETTINGS if setting.name.startswith(PREFIX)
}


def default(name: str) -> str | int | float | None:
    """The value of the setting ``name`` when it is not set."""
    return _BY_NAME[name].default


def number(name: str) -> float:
    """The default of a setting that is a number (a count, or seconds)."""
    value = default(name)
    if not isinstance(value, int | float):
        raise TypeError(f"{name} has no number for a default")
    return value
