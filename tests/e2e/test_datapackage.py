"""The datasets' descriptor, validated as a researcher's tools validate it: the
`frictionless` package reads GET /datasets/datapackage.json from a served instance, fetches
every resource's CSV over HTTP, and checks each row against the fields it states."""

from frictionless import validate

from tests.e2e.conftest import Serve

# Each table, by the route its CSV comes from.
TABLES = {
    "events": "/datasets/events",
    "timelines": "/datasets/timelines",
    "dyads": "/datasets/dyads",
    "dyad-years": "/datasets/dyads",
    "deadlines": "/deadlines",
}


def test_frictionless_validates_the_descriptor_and_every_tables_data(serve: Serve) -> None:
    server = serve("--workers", "1")

    report = validate(f"{server.url}/datasets/datapackage.json")

    assert report.valid, report.flatten(["type", "note"])
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert list(rows) == list(TABLES)
    assert all(rows[name] > 0 for name in ("events", "timelines", "dyads", "dyad-years"))
    for path in TABLES.values():  # each resource's data was read from the service
        server.wait_for_log(f'"path": "{path}"')
