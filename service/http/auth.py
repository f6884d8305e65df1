"""Writes need a bearer token (RFC 6750); reads are public."""

from flask import request
from psycopg_pool import ConnectionPool

from service.storage import tokens

REALM = "pact-chronology"


class Unauthorized(Exception):
    """No usable credentials; ``challenge`` is the WWW-Authenticate header to send."""

    def __init__(self, detail: str, error: str | None = None) -> None:
        super().__init__(detail)
        self.challenge = f'Bearer realm="{REALM}"' + (f', error="{error}"' if error else "")


def writer(pool: ConnectionPool) -> str:
    """The name of the token this request writes with (looked up on ``pool``); checked before
    anything else is read."""
    credentials = request.authorization
    if credentials is None:
        raise Unauthorized("writing needs 'Authorization: Bearer <token>'; see `pact-chronology token create`")
    if credentials.type != "bearer" or not credentials.token:
        raise Unauthorized("only bearer tokens are accepted", "invalid_request")
    name = tokens.holder(pool, credentials.token)
    if name is None:
        raise Unauthorized("the token is unknown or revoked", "invalid_token")
    return name
