"""`pact-chronology wait-for-schema`: what an API's init container runs so that the API
serves only once the bootstrap of its release has brought the schema to its revision."""

from service.storage import database
from tests.command_line import cli


def test_a_schema_at_head_is_ready_at_once_even_for_the_service_role(service_url: str) -> None:
    waited = cli("wait-for-schema", "--timeout", "0", database_url=service_url)

    assert waited.returncode == 0, waited.stderr
    assert waited.stdout.strip() == f"schema at revision {database.head_revision()}"


def test_a_schema_that_never_comes_fails_naming_what_it_found(empty_database_url: str) -> None:
    waited = cli("wait-for-schema", "--timeout", "1", database_url=empty_database_url)

    assert waited.returncode == 1
    assert f"the schema is at None, not {database.head_revision()}, after 1 s: has bootstrap run?" in waited.stderr
