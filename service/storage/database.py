"""Where the database comes from and how its schema gets to the current revision.

Without DATABASE_URL the service runs PostgreSQL itself, from the binaries the ``pgserver``
package ships, in a local data folder; with DATABASE_URL it uses that server. Either way
the schema is only ever created by the alembic revisions in ``migrations/``.
"""

import secrets
import warnings
from importlib import resources
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

# The least-privilege role the API connects as, created by migration 0002.
SERVICE_ROLE = "pact_api"


def alembic_config(url: str = "") -> Config:
    """The alembic configuration, built in code so it works from any working directory."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("migrations")))
    # ConfigParser interpolates '%': a password with a percent sign must survive it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema to the newest revision; safe to run from several processes at once."""
    command.upgrade(alembic_config(url), "head")


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: psycopg.Connection) -> str | None:
    """The revision the database is at, or None before the first migration."""
    exists = connection.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in ``data_dir``; it stops when this process exits."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs notes a missing XDG_RUNTIME_DIR (usual in containers and CI) when
        # pgserver places its lock file, and falls back to /tmp: nothing to tell the user.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver  # imported here: it is only needed when no DATABASE_URL is given

        server = pgserver.get_server(data_dir.resolve(), cleanup_mode="stop")
    return server.get_uri()


def holds_database(data_dir: Path) -> bool:
    """Whether ``data_dir`` already holds an embedded PostgreSQL's data."""
    return (data_dir / "PG_VERSION").is_file()


def described(url: str) -> str:
    """A connection string as it may be shown: who, where, which database; no password."""
    parts = conninfo_to_dict(url)
    where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}"
    return f"{parts.get('user', '')}@{where}/{parts.get('dbname', '')}"


def is_service_role(url: str) -> bool:
    """Whether ``url`` already connects as the service role, which may not migrate or seed."""
    with psycopg.connect(url, connect_timeout=10) as connection:
        row = connection.execute("SELECT current_user = %s", (SERVICE_ROLE,)).fetchone()
    return bool(row and row[0])


def service_role_url(url: str, password: str | None = None) -> str:
    """Give the service role a password -- a fresh random one unless given -- and return
    the connection string for it on the same server and database as ``url`` (the owner's).

    A fresh password on every start means no password for the API is ever written down.
    """
    password = password or secrets.token_urlsafe(32)
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        statement = sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
            sql.Identifier(SERVICE_ROLE), sql.Literal(password)
        )
        connection.execute(statement)
    return make_conninfo(url, user=SERVICE_ROLE, password=password)
