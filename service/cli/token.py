"""`pact-chronology token`: mint, list and revoke the bearer tokens writes need. They are
kept in the database the command uses (which it says), so a token works for every API
server on that database and for no other."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click
import psycopg

from service.cli import bootstrapping
from service.storage import database, tokens

T = TypeVar("T")


@click.group()
def token() -> None:
    """Mint, list and revoke the bearer tokens that writes need."""


@token.command("create")
@click.option("--name", required=True, help="who holds the token; recorded as recorded_by on what it writes")
@click.option("--create-database", is_flag=True, help="make the embedded database if PACT_DATA_DIR holds none yet")
def token_create(name: str, create_database: bool) -> None:
    """Mint a token and print it: it is shown this once and stored only hashed."""
    with _owner_connection(create_database, ", or pass --create-database to make one") as connection:
        click.echo(_or_fail(lambda: tokens.create(connection, name)))


@token.command("list")
def token_list() -> None:
    """Every token's name, when it was created and when it was revoked."""
    with _owner_connection() as connection:
        for info in tokens.listing(connection):
            revoked = f"revoked {info.revoked_at.isoformat()}" if info.revoked_at else "active"
            click.echo(f"{info.name}\tcreated {info.created_at.isoformat()}\t{revoked}")


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke the token NAME at once: its next request is refused."""
    with _owner_connection() as connection:
        _or_fail(lambda: tokens.revoke(connection, name))
        click.echo(f"revoked {name}")


@contextmanager
def _owner_connection(create: bool = False, otherwise: str = "") -> Iterator[psycopg.Connection]:
    url = bootstrapping.database_url(create, otherwise)
    database.migrate(url)
    with psycopg.connect(url, autocommit=True) as connection:
        yield connection


def _or_fail(action: Callable[[], T]) -> T:
    try:
        return action()
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
