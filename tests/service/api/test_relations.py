"""Questions across agreements: what bound some parties on a day, the parties known, and
one party's agreements on a day -- over the shipped chronologies, the facts file's section 3."""

from datetime import datetime
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from flask.testing import FlaskClient
from psycopg.types.json import Jsonb

from tests.service.client import PACT, SHIPPED_IDS, post, problem

pytestmark = pytest.mark.usefixtures("seeded")


def relations(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get(f"/relations?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def ids(agreements: list[dict[str, Any]]) -> list[str]:
    return [agreement["id"] for agreement in agreements]


def test_the_rok_and_japan_on_2019_09_01_gsomia_with_its_pending_notice_and_tisa(client: FlaskClient) -> None:
    body = relations(client, "between=KOR,JPN&on=2019-09-01")

    assert (body["between"], body["on"], body["known_at"], body["uncertain"]) == (
        ["KOR", "JPN"],
        "2019-09-01",
        None,
        [],
    )
    assert ids(body["agreements"]) == ["kr-jp-gsomia", "kr-us-jp-tisa"]
    gsomia = body["agreements"][0]["status"]
    assert (gsomia["on"], gsomia["phase"]) == ("2019-09-01", "in_force")
    assert gsomia["termination"]["state"] == "pending" and gsomia["termination"]["effective_on"] == "2019-11-23"
    assert gsomia["term"]["number"] == 3
    assert {event["type"] for event in gsomia["based_on"]} >= {"entered_into_force", "termination_notified"}
    assert all(event["sources"] for event in gsomia["based_on"] if event["type"] != "agreement_registered")
    assert gsomia == {k: v for k, v in client.get("/agreements/kr-jp-gsomia/status?on=2019-09-01").get_json().items()
                      if k not in ("agreement_id", "known_at")}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        ("between=KOR,JPN&on=2014-06-01", []),
        ("between=KOR,JPN&on=2015-01-01", ["kr-us-jp-tisa"]),
        ("between=JPN,KOR&on=2016-11-23", ["kr-jp-gsomia", "kr-us-jp-tisa"]),
        ("between=KOR,USA,JPN&on=2019-09-01", ["kr-us-jp-tisa"]),
        ("between=KOR,USA&on=1987-09-23", []),
        ("between=KOR,USA&on=1987-09-24", ["kr-us-military-secrets"]),
        ("between=JPN,nato&on=2010-06-25", ["jp-nato-information-protection"]),
        ("between=JPN,DEU&on=2020-01-01", []),
        ("between=KOR,FRA&on=2019-09-01", []),
        ("between=KOR,XYZ&on=2019-09-01", []),
    ],
)
def test_an_agreement_binds_its_parties_while_it_is_in_force(client: FlaskClient, query: str, bound: list[str]) -> None:
    assert ids(relations(client, query)["agreements"]) == bound


def test_inside_a_month_known_only_as_a_month_the_answer_is_uncertain_not_a_guess(client: FlaskClient) -> None:
    inside = relations(client, "between=JPN,FRA&on=2011-10-10")
    last_day = relations(client, "between=JPN,FRA&on=2011-10-31")

    assert inside["agreements"] == [] and ids(inside["uncertain"]) == ["jp-fra-information-protection"]
    status = inside["uncertain"][0]["status"]
    assert (status["phase"], status["since"]) == ("uncertain", "2011-10-01")
    assert status["uncertain"] == {
        "earliest": "2011-10-01",
        "latest": "2011-10-31",
        "precision": "month",
        "phase_before": "unknown",
        "phase_after": "in_force",
    }
    assert ids(last_day["agreements"]) == ["jp-fra-information-protection"] and last_day["uncertain"] == []
    assert last_day["agreements"][0]["status"]["since_precision"] == "month"
    assert last_day["agreements"][0]["terms"] is None  # the facts file gives no duration clause


def test_japans_agreements_in_force_on_2015_01_01(client: FlaskClient) -> None:
    body = client.get("/parties/JPN/agreements?on=2015-01-01&phase=in_force").get_json()

    assert body["party"] == {"id": "JPN", "name": "Japan", "agreements": 10}
    assert ids(body["agreements"]) == [
        "jp-aus-information-security",
        "jp-fra-information-protection",
        "jp-gbr-information-protection",
        "jp-nato-information-protection",
        "jp-us-gsomia",
        "kr-us-jp-tisa",
    ]
    assert {a["status"]["on"] for a in body["agreements"]} == {"2015-01-01"}


def test_a_partys_agreements_without_a_phase_are_all_of_them_each_with_its_phase(client: FlaskClient) -> None:
    body = client.get("/parties/KOR/agreements?on=2013-01-01").get_json()

    phases = {a["id"]: a["status"]["phase"] for a in body["agreements"]}
    assert phases == {"kr-jp-gsomia": "stalled", "kr-us-jp-tisa": "unknown", "kr-us-military-secrets": "in_force"}


def test_the_parties_known_with_the_name_their_agreements_give_them(client: FlaskClient) -> None:
    parties = {party["id"]: party for party in client.get("/parties").get_json()["parties"]}

    assert sorted(parties) == ["AUS", "DEU", "FRA", "GBR", "IND", "ITA", "JPN", "KOR", "USA", "nato"]
    assert parties["KOR"] == {"id": "KOR", "name": "Republic of Korea", "agreements": 3}
    assert parties["nato"]["name"] == "North Atlantic Treaty Organization"


def test_a_new_agreement_is_in_the_next_answer(client: FlaskClient) -> None:
    before = relations(client, "between=a,b&on=2019-09-01")
    assert post(client, "/agreements", PACT).status_code == 201
    steps = [{"type": kind, "occurred_on": day, "sources": PACT["sources"]}
             for kind, day in (("signed", "2016-01-01"), ("entered_into_force", "2016-01-02"))]  # fmt: skip
    assert post(client, "/agreements/test-pact/events", {"events": steps}).status_code == 201
    after = relations(client, "between=a,b&on=2019-09-01")

    assert before["agreements"] == [] and ids(after["agreements"]) == ["test-pact"]
    assert client.get("/parties/a/agreements").get_json()["party"]["name"] == "A"


def test_a_registration_stored_before_parties_had_ids_is_found_by_their_ids(
    client: FlaskClient, connection: psycopg.Connection
) -> None:
    connection.execute(
        "INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources)"
        " VALUES (%s, 'old-pact', 1, 'agreement_registered', 1, '2016-11-23', %s, '[]')",
        (uuid4(), Jsonb({"title": "Old", "parties": ["Republic of Korea", "Japan"], "timezone": "UTC"})),
    )
    connection.commit()

    body = client.get("/parties/KOR/agreements?on=2019-09-01").get_json()

    assert "old-pact" in ids(body["agreements"])


def test_what_was_known_at_an_instant_before_the_chronologies_were_loaded_is_nothing(client: FlaskClient) -> None:
    body = relations(client, "between=KOR,JPN&on=2019-09-01&known_at=2000-01-01T00:00:00Z")

    assert body["agreements"] == [] and body["known_at"] == "2000-01-01T00:00:00+00:00"
    assert (
        client.get("/relations?between=KOR,JPN&on=2019-09-01&known_at=2000-01-01T00:00:00Z")
        .headers["Cache-Control"]
        .endswith("immutable")
    )


def test_a_relations_answer_is_cached_by_its_etag_until_an_agreement_changes(client: FlaskClient) -> None:
    first = client.get("/relations?between=KOR,JPN&on=2019-09-01")
    again = client.get("/relations?between=KOR,JPN&on=2019-09-01", headers={"If-None-Match": first.headers["ETag"]})
    note = {"type": "context_noted", "occurred_on": "2024-01-01", "sources": PACT["sources"]}
    assert post(client, "/agreements/kr-us-jp-tisa/events", {"events": [note]}).status_code == 201
    changed = client.get("/relations?between=KOR,JPN&on=2019-09-01", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "between=KOR",
        "between=KOR,KOR",
        "between=KOR,,JPN",
        "between=kor%00,JPN",
        "between=" + ",".join(f"A{chr(65 + i)}A" for i in range(11)),
        "between=KOR,JPN&on=2019-13-01",
        "between=KOR,JPN&known_at=2019-01-01",
    ],
)
def test_a_bad_relations_query_is_a_400(client: FlaskClient, query: str) -> None:
    problem(client.get(f"/relations?{query}"), 400, "invalid-query")


def test_an_unknown_party_is_a_404_and_a_malformed_one_no_route(client: FlaskClient) -> None:
    problem(client.get("/parties/XYZ/agreements"), 404, "party-not-found")
    problem(client.get("/parties/Kor/agreements"), 404, "not-found")
    problem(client.get("/parties/JPN/agreements?phase=dormant"), 400, "invalid-query")


def test_every_shipped_agreement_is_some_partys(client: FlaskClient) -> None:
    listed = {
        a["id"] for party in ("JPN", "KOR") for a in client.get(f"/parties/{party}/agreements").get_json()["agreements"]
    }

    assert sorted(listed) == SHIPPED_IDS


def test_gsomias_parties_on_2019_09_01_the_roks_withdrawal_pending(client: FlaskClient) -> None:
    body = client.get("/agreements/kr-jp-gsomia/parties?on=2019-09-01").get_json()

    korea, japan = body["parties"]
    assert (korea["party"]["id"], korea["status"], korea["since"]) == ("KOR", "withdrawal_pending", "2019-08-23")
    assert korea["notice"] == {"state": "pending", "notified_on": "2019-08-23", "effective_on": "2019-11-23",
                               "suspended_on": None}  # fmt: skip
    assert (japan["status"], japan["since"], japan["notice"]) == ("in_force", "2016-11-23", None)
    assert "termination_notified" in [event["type"] for event in korea["based_on"]]
    assert all(event["sources"] for event in korea["based_on"] if event["type"] != "agreement_registered")


def test_a_three_party_agreement_from_which_one_party_withdraws_stays_in_force_for_the_others(
    client: FlaskClient,
) -> None:
    three = {**PACT, "id": "three-pact", "parties": ["A", "B", "C"], "terms": {"notice_months": 6}}
    assert post(client, "/agreements", three).status_code == 201
    source = PACT["sources"]
    steps = [
        {"type": "party_signed", "occurred_on": "2016-02-01", "payload": {"party": "a"}, "sources": source},
        {"type": "party_signed", "occurred_on": "2016-02-02", "payload": {"party": "b"}, "sources": source},
        {"type": "consent_expressed", "occurred_on": "2016-03-01", "payload": {"party": "a", "means": "ratification"},
         "sources": source},
        {"type": "consent_expressed", "occurred_on": "2016-03-02", "payload": {"party": "b", "means": "ratification"},
         "sources": source},
        {"type": "consent_expressed", "occurred_on": "2016-03-03", "payload": {"party": "c", "means": "accession"},
         "sources": source},
        {"type": "entered_into_force", "occurred_on": "2016-04-01", "sources": source},
        {"type": "termination_notified", "occurred_on": "2018-08-31", "payload": {"notified_by": "c"},
         "sources": source},
    ]  # fmt: skip
    assert post(client, "/agreements/three-pact/events", {"events": steps}).status_code == 201

    pending = client.get("/agreements/three-pact/parties?on=2019-02-28").get_json()["parties"]
    after = client.get("/agreements/three-pact/parties?on=2019-03-01").get_json()["parties"]
    agreement = client.get("/agreements/three-pact/status?on=2019-03-01").get_json()

    assert [(p["party"]["id"], p["status"]) for p in pending] == [
        ("a", "in_force"), ("b", "in_force"), ("c", "withdrawal_pending")]  # fmt: skip
    # Six months from 31 August run to the last day of February: the withdrawal is from 1 March.
    assert pending[2]["notice"]["effective_on"] == "2019-03-01"
    assert [(p["party"]["id"], p["status"], p["since"]) for p in after] == [
        ("a", "in_force", "2016-04-01"), ("b", "in_force", "2016-04-01"), ("c", "withdrawn", "2019-03-01")]  # fmt: skip
    assert (agreement["phase"], agreement["termination"]) == ("in_force", None)
    assert ids(relations(client, "between=a,b&on=2019-03-01")["agreements"]) == ["three-pact"]
    assert ids(relations(client, "between=a,c&on=2019-02-28")["agreements"]) == ["three-pact"]
    assert relations(client, "between=a,c&on=2019-03-01")["agreements"] == []


def test_the_parties_of_an_unknown_agreement_are_a_404(client: FlaskClient) -> None:
    problem(client.get("/agreements/nope/parties"), 404, "agreement-not-found")


def test_a_question_across_agreements_names_its_permalink(client: FlaskClient) -> None:
    now = client.get("/relations?between=KOR,JPN&on=2019-09-01")
    parties = client.get("/agreements/kr-jp-gsomia/parties?on=2019-09-01")

    assert client.get(now.headers["Content-Location"]).get_json()["agreements"] == now.get_json()["agreements"]
    assert "known_at=" in parties.headers["Content-Location"]
    assert client.get(parties.headers["Content-Location"]).get_json()["parties"] == parties.get_json()["parties"]


@pytest.mark.parametrize(
    "path", ["/relations?between=KOR,JPN&on={}&known_at={}", "/parties/KOR/agreements?on={}&known_at={}"]
)
@pytest.mark.parametrize("known_at", ["2000-01-01T00:00:00Z", "2000-01-01T09:00:00%2B09:00"])
def test_each_day_asked_has_its_own_etag_and_answer_when_nothing_was_known_yet(
    client: FlaskClient, path: str, known_at: str
) -> None:
    answers: dict[str, set[bytes]] = {}
    for day in ("1500-06-15", "2030-01-01", "1500-06-15", "2019-09-01"):
        response = client.get(path.format(day, known_at))
        echoed = datetime.fromisoformat(response.get_json()["known_at"])
        asked = datetime.fromisoformat(known_at.replace("%2B", "+"))
        assert (response.get_json()["on"], echoed, echoed.utcoffset()) == (day, asked, asked.utcoffset())
        answers.setdefault(response.headers["ETag"], set()).add(response.get_data())

    assert len(answers) == 3 and all(len(bodies) == 1 for bodies in answers.values())


def test_a_partys_agreements_are_counted_as_known_at_the_instant_asked(client: FlaskClient) -> None:
    horizon = client.get("/agreements/kr-us-military-secrets/status").get_json()["known_at"]
    then = f"/parties/KOR/agreements?on=2019-09-01&known_at={horizon.replace('+', '%2B')}"
    before = client.get(then)
    assert post(client, "/agreements", {**PACT, "parties": ["Republic of Korea", "B"]}).status_code == 201
    after = client.get(then)
    now = client.get("/parties/KOR/agreements?on=2019-09-01")

    assert before.get_json()["party"] == {"id": "KOR", "name": "Republic of Korea", "agreements": 3}
    assert (after.get_data(), after.headers["ETag"]) == (before.get_data(), before.headers["ETag"])
    assert now.get_json()["party"]["agreements"] == 4 and now.headers["ETag"] != before.headers["ETag"]


def test_a_party_none_of_whose_agreements_was_known_yet_is_named_as_now_and_never_kept_for_good(
    client: FlaskClient,
) -> None:
    response = client.get("/parties/KOR/agreements?on=2019-09-01&known_at=2000-01-01T00:00:00Z")

    assert response.get_json()["party"] == {"id": "KOR", "name": "Republic of Korea", "agreements": 0}
    assert response.headers["Cache-Control"] == "no-cache"


def test_a_registrations_corrected_note_is_what_clients_read(client: FlaskClient) -> None:
    status = client.get("/agreements/jp-us-gsomia/status?on=2010-01-01").get_json()
    registration = next(event for event in status["based_on"] if event["type"] == "agreement_registered")
    change = {"corrects": registration["id"], "reason": "a test", "corrected_payload": {"title": "x"}}
    retitled = {"type": "event_corrected", "occurred_on": "2026-01-01", "sources": PACT["sources"], "payload": change}

    assert registration["payload"]["note"] == "The sources give no duration clause: its terms are not recorded."
    assert len(registration["corrected_by"]) == 1
    body = problem(post(client, "/agreements/jp-us-gsomia/events", {"events": [retitled]}), 422, "rule-violation")
    assert "cannot be corrected in title" in body["detail"]
