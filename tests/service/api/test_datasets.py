"""GET /datasets/dyads: for every pair of parties an agreement bound together, each span it
bound both -- the same answer GET /relations gives of any one day -- by span or by year, as
JSON or CSV, paged, filtered, and refused with a problem when the question is not one."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.service.client import problem

pytestmark = pytest.mark.usefixtures("seeded")

GSOMIA_SPAN = {
    "party_a": "JPN",
    "party_b": "KOR",
    "ccode_a": 740,
    "ccode_b": 732,
    "agreement_id": "kr-jp-gsomia",
    "phase": "in_force",
    "year": None,
    "from": "2016-11-23",
    "from_precision": "day",
    "to": None,
    "to_precision": None,
}


def dyads(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/datasets/dyads?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["dyads"]  # type: ignore[no-any-return]


def test_gsomia_has_bound_japan_and_korea_since_2016(client: FlaskClient) -> None:
    (found,) = dyads(client, "agreement=kr-jp-gsomia&to=2026-12-07")

    assert {key: found[key] for key in GSOMIA_SPAN} == GSOMIA_SPAN
    assert found["days"] == (date(2026, 12, 7) - date(2016, 11, 23)).days + 1
    assert len(found["based_on"]) >= 2


def test_every_pair_of_a_multilateral_agreement_and_a_party_that_is_no_state(client: FlaskClient) -> None:
    tisa = dyads(client, "agreement=kr-us-jp-tisa")
    nato = dyads(client, "agreement=jp-nato-information-protection")

    assert [(row["party_a"], row["party_b"]) for row in tisa] == [("JPN", "KOR"), ("JPN", "USA"), ("KOR", "USA")]
    assert [(row["party_a"], row["party_b"], row["ccode_a"], row["ccode_b"]) for row in nato] == [
        ("JPN", "nato", 740, None)
    ]


def test_a_start_known_only_to_its_month(client: FlaskClient) -> None:
    (france,) = dyads(client, "agreement=jp-fra-information-protection")

    assert (france["from"], france["from_precision"]) == ("2011-10-01", "month")


def test_by_year_each_calendar_year_with_its_days(client: FlaskClient) -> None:
    years = dyads(client, "agreement=kr-jp-gsomia&granularity=year&to=2026-12-07")
    (whole,) = dyads(client, "agreement=kr-jp-gsomia&to=2026-12-07")

    assert [row["year"] for row in years] == list(range(2016, 2027))
    assert (years[0]["from"], years[0]["to"], years[0]["days"]) == ("2016-11-23", "2016-12-31", 39)
    assert (years[-1]["from"], years[-1]["to"], years[-1]["days"]) == ("2026-01-01", None, 341)
    assert sum(row["days"] for row in years) == whole["days"]


def test_filters_by_party_and_window(client: FlaskClient) -> None:
    korea = dyads(client, "party=KOR")
    before = dyads(client, "to=2012-12-31")
    late = dyads(client, "from=2021-01-01&to=2021-12-31&granularity=year")

    assert {row["agreement_id"] for row in korea} == {"kr-jp-gsomia", "kr-us-jp-tisa", "kr-us-military-secrets"}
    assert all("KOR" in (row["party_a"], row["party_b"]) for row in korea)
    assert all(row["from"] <= "2012-12-31" for row in before) and before
    assert {row["year"] for row in late} == {2021}


def test_as_known_at_an_instant_before_anything_was_recorded_there_is_nothing(client: FlaskClient) -> None:
    assert dyads(client, "known_at=2000-01-01T00:00:00Z") == []


def test_pages_join_into_the_whole(client: FlaskClient) -> None:
    whole = dyads(client, "granularity=year&to=2024-12-31&limit=1000")
    joined: list[dict[str, Any]] = []
    url: str | None = "/datasets/dyads?granularity=year&to=2024-12-31&limit=7"
    while url:
        response = client.get(url)
        joined += response.get_json()["dyads"]
        link = response.headers.get("Link", "")
        url = link.split(";")[0].strip("<>") if 'rel="next"' in link else None
    assert joined == whole and len(whole) > 7


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("granularity=month", "granularity"),
        ("format=xlsx", "format"),
        ("from=2020-01-01&to=2019-01-01", "to"),
        ("from=1500-01-01&to=2020-01-01", "to"),
        ("from=2999-01-01", "to"),
        ("after=nope", "after"),
        ("party=kor!", "party"),
        ("limit=0", "limit"),
        ("to=9999-01-01", "to"),
        ("to=8999-12-31&granularity=year", "to"),  # thousands of years of rows: refused, not computed
    ],
)
def test_a_question_that_is_not_one_is_400_naming_it(client: FlaskClient, query: str, named: str) -> None:
    body = problem(client.get(f"/datasets/dyads?{query}"), 400, "invalid-query")
    assert named in {error["parameter"] for error in body["errors"]}


def test_an_unknown_agreement_is_404(client: FlaskClient) -> None:
    problem(client.get("/datasets/dyads?agreement=no-such"), 404, "agreement-not-found")


PARTIES = ["AUS", "DEU", "FRA", "GBR", "IND", "ITA", "JPN", "KOR", "USA", "nato"]
FIRST, LAST = date(2005, 1, 1), date(2026, 12, 7)


def agree_on(client: FlaskClient, a: str, b: str, day: str) -> None:
    """/relations and the dyads of the pair say the same of ``day``: every agreement that bound
    both is in a span covering it, and a span covering it is such an agreement, or one whose
    phase that day is uncertain -- a day in the month of an end known only to its month."""
    relations = client.get(f"/relations?between={a},{b}&on={day}&known_at=2999-01-01T00:00:00Z").get_json()
    spans = dyads(client, f"party={a}&to={LAST.isoformat()}&limit=1000")
    covering = {
        row["agreement_id"]: row
        for row in spans
        if {row["party_a"], row["party_b"]} == {a, b} and row["from"] <= day <= (row["to"] or LAST.isoformat())
    }
    bound = {agreement["id"] for agreement in relations["agreements"]}
    uncertain = {agreement["id"] for agreement in relations["uncertain"]}

    assert bound <= set(covering)
    assert set(covering) <= bound | uncertain
    assert all(_in_an_imprecise_end(covering[agreement], day) for agreement in set(covering) - bound)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(PARTIES), st.sampled_from(PARTIES), st.integers(0, (LAST - FIRST).days))
def test_on_any_day_the_dyads_say_what_relations_says(client: FlaskClient, a: str, b: str, offset: int) -> None:
    if a != b:
        agree_on(client, a, b, (FIRST + timedelta(days=offset)).isoformat())


@pytest.mark.parametrize(
    ("a", "b", "day"),
    [
        ("FRA", "JPN", "2011-09-30"),
        ("FRA", "JPN", "2011-10-15"),  # in force some day of October 2011
        ("FRA", "JPN", "2011-10-31"),
        ("KOR", "JPN", "2016-11-22"),
        ("KOR", "JPN", "2016-11-23"),
        ("KOR", "USA", "2014-12-29"),
        ("GBR", "JPN", "2014-01-15"),
    ],
)
def test_on_the_days_it_begins_the_dyads_say_what_relations_says(client: FlaskClient, a: str, b: str, day: str) -> None:
    agree_on(client, a, b, day)


def _in_an_imprecise_end(row: dict[str, Any], day: str) -> bool:
    """Whether ``day`` falls in the month of an end known only to its month."""
    return (row["from_precision"] == "month" and day[:7] == row["from"][:7]) or (
        row["to_precision"] == "month" and row["to"] is not None and day[:7] == row["to"][:7]
    )


def test_the_datasets_are_listed_as_csv_permalinks_pinned_to_what_was_known(client: FlaskClient) -> None:
    index = client.get("/datasets").get_json()
    document = client.get("/openapi.json").get_json()

    assert [dataset["name"] for dataset in index["datasets"]] == [
        "events",
        "timelines",
        "dyads",
        "dyad-years",
        "deadlines",
    ]
    for dataset in index["datasets"]:
        url = urlsplit(dataset["path"])
        assert url.scheme == "http" and "format=csv" in url.query
        assert "known_at=" in url.query
        answer = client.get(f"{url.path}?{url.query}")
        assert answer.status_code == 200 and answer.mimetype == "text/csv"
        header = answer.get_data(as_text=True).splitlines()[0].split(",")
        stated = document["paths"][url.path]["get"]["responses"]["200"]["content"]["text/csv"]["x-columns"]
        assert header == [column["name"] for column in stated]
        assert answer.headers["Cache-Control"] in ("no-cache", "public, max-age=31536000, immutable")


def test_the_descriptor_states_each_tables_fields_licence_sources_and_citation(client: FlaskClient) -> None:
    index = client.get("/datasets").get_json()
    descriptor = client.get("/datasets/datapackage.json").get_json()

    assert descriptor["profile"] == "tabular-data-package" and descriptor["known_at"] == index["known_at"]
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://spdx.org/licenses/CC-BY-4.0.html"}]
    assert descriptor["citation"]["known_at"] == index["known_at"]
    assert descriptor["citation"]["url"] == index["datapackage"]
    assert any("yna.co.kr" in source.get("path", "") for source in descriptor["sources"])
    by_name = {resource["name"]: resource for resource in descriptor["resources"]}
    assert [resource["path"] for resource in descriptor["resources"]] == [d["path"] for d in index["datasets"]]
    fields = {field["name"]: field for field in by_name["dyads"]["schema"]["fields"]}
    assert (fields["from"]["type"], fields["days"]["type"], fields["ccode_a"]["type"]) == ("date", "integer", "integer")
    assert by_name["events"]["schema"]["fields"][0] == {"name": "id", "type": "string", "format": "uuid"}


def test_the_events_table_holds_every_agreements_events_as_known(client: FlaskClient) -> None:
    table = client.get("/datasets/events?limit=100000").get_json()
    gsomia = client.get("/agreements/kr-jp-gsomia/events?limit=1000").get_json()["events"]
    first = client.get("/datasets/events?limit=5").get_json()
    second = client.get(f"/datasets/events?limit=5&after={first['next_after']}").get_json()

    assert [e["id"] for e in table["events"] if e["agreement_id"] == "kr-jp-gsomia"] == [e["id"] for e in gsomia]
    assert first["events"] + second["events"] == table["events"][:10]
    assert client.get("/datasets/events?known_at=2000-01-01T00:00:00Z").get_json()["events"] == []


def test_the_timelines_table_holds_each_agreements_timeline(client: FlaskClient) -> None:
    table = client.get("/datasets/timelines?to=2024-01-01").get_json()["intervals"]
    gsomia = client.get("/agreements/kr-jp-gsomia/timeline?to=2024-01-01").get_json()["intervals"]

    rows = [row for row in table if row["agreement_id"] == "kr-jp-gsomia"]
    assert [{key: value for key, value in row.items() if key != "agreement_id"} for row in rows] == gsomia
    assert list(table[0])[0] == "agreement_id"


def test_deadlines_as_known_at_an_instant(client: FlaskClient) -> None:
    known = client.get("/deadlines?from=2019-01-01&to=2020-12-31&known_at=2000-01-01T00:00:00Z").get_json()
    now = client.get("/deadlines?from=2019-01-01&to=2020-12-31").get_json()

    assert known["deadlines"] == [] and len(now["deadlines"]) == 4


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/datasets/timelines?to=8999-01-01", "to"),
        ("/datasets/events?limit=100001", "limit"),
        ("/datasets/events?after=a~b~c~d~e", "after"),
        ("/datasets?known_at=yesterday", "known_at"),
    ],
)
def test_a_table_question_that_is_not_one_is_400(client: FlaskClient, url: str, named: str) -> None:
    body = problem(client.get(url), 400, "invalid-query")
    assert named in {error["parameter"] for error in body["errors"]}


def test_the_index_and_the_descriptor_name_permalinks_that_answer_the_same(client: FlaskClient) -> None:
    for path in ("/datasets", "/datasets/datapackage.json"):
        now = client.get(path)
        pinned = client.get(now.headers["Content-Location"])

        assert "on=" in now.headers["Content-Location"] and "known_at=" in now.headers["Content-Location"]
        assert pinned.status_code == 200 and pinned.get_data() == now.get_data()


def test_the_tables_cut_on_a_day(client: FlaskClient) -> None:
    index = client.get("/datasets?on=2020-01-01").get_json()
    paths = {dataset["name"]: dataset["path"] for dataset in index["datasets"]}

    assert "to=2020-01-01" in paths["dyads"] and "from=2020-01-01" in paths["deadlines"]
