"""Alembic environment: run the hand-written SQL revisions against DATABASE_URL.

The URL comes from the configuration when the service migrates in code, or from the
DATABASE_URL environment variable when `alembic upgrade head` runs from a shell.
"""

import os

from alembic import context
from sqlalchemy import create_engine, pool, text

# Any constant works; it only has to be the same for every process that migrates, so
# that two starting replicas (or the compose migrate job and a test run) never migrate at once.
MIGRATION_LOCK = 7_346_001


def sqlalchemy_url(url: str) -> str:
    """SQLAlchemy needs the driver named in the scheme; libpq URLs do not name one."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_URL"]
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            context.configure(connection=connection, transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run_migrations_online()
