"""API tokens: who may write. Minted and revoked from the CLI, checked on every write.

A token is shown once, when it is created; the database keeps only its SHA-256. Tokens
carry 256 random bits, so the hash needs no salt or stretching: there is nothing to guess.
Each token has a name, which is recorded as ``recorded_by`` on every event it appends.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row
from psycopg_pool import ConnectionPool

PREFIX = "pact_"


class TokenError(Exception):
    """A token cannot be created or revoked as asked."""


@dataclass(frozen=True, kw_only=True)
class TokenInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(connection: psycopg.Connection, name: str) -> str:
    """Mint a token named ``name`` and return it in clear: the only time it is seen."""
    token = PREFIX + secrets.token_urlsafe(32)
    try:
        with connection.transaction():
            connection.execute("INSERT INTO api_tokens (name, token_hash) VALUES (%s, %s)", (name, digest(token)))
    except psycopg.errors.UniqueViolation:
        raise TokenError(f"a token named {name!r} exists already; revoke it or choose another name") from None
    except psycopg.errors.CheckViolation:
        raise TokenError("a token name is 1 to 100 letters, digits, '.', '_', '@' or '-'") from None
    return token


def revoke(connection: psycopg.Connection, name: str) -> None:
    with connection.transaction():
        row = connection.execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL RETURNING name", (name,)
        ).fetchone()
    if row is None:
        raise TokenError(f"no active token named {name!r}")


def listing(connection: psycopg.Connection) -> list[TokenInfo]:
    with connection.cursor(row_factory=class_row(TokenInfo)) as cursor:
        return cursor.execute("SELECT name, created_at, revoked_at FROM api_tokens ORDER BY name").fetchall()


def holder(pool: ConnectionPool, token: str) -> str | None:
    """The name of the active token ``token``, or None if it is unknown or revoked."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    with pool.connection() as connection:
        row = connection.execute(
            "SELECT name FROM api_tokens WHERE token_hash = %s AND revoked_at IS NULL", (digest(token),)
        ).fetchone()
    return row[0] if row else None
