"""A client generated from the service's own OpenAPI document, as the README's "Clients"
section generates it (into a package named ``pact_client``), used as a client would:
tests/e2e/test_clients.py runs every function here against a served instance."""

from datetime import date

from pact_client import AuthenticatedClient, Client
from pact_client.api.agreements import agreements_get_status, agreements_get_timeline, agreements_register_agreement
from pact_client.api.events import agreements_append_events
from pact_client.models import (
    AppendAnswer,
    AppendRequest,
    EnteredIntoForceEventIn,
    Problem,
    RegisteredAnswer,
    RegisterRequest,
    SignedEventIn,
    Source,
    StatusAnswer,
    TerminationNotifiedEventIn,
    TerminationNotifiedPayload,
    Terms,
    TimelineAnswer,
)


def gsomia_on_1_september_2019(base_url: str) -> StatusAnswer:
    """What was GSOMIA's status on 2019-09-01?"""
    with Client(base_url) as client:
        answer = agreements_get_status.sync("kr-jp-gsomia", client=client, on=date(2019, 9, 1))
    assert isinstance(answer, StatusAnswer), answer
    return answer


def gsomia_timeline(base_url: str) -> TimelineAnswer:
    with Client(base_url) as client:
        answer = agreements_get_timeline.sync(
            "kr-jp-gsomia", client=client, from_=date(2016, 1, 1), to=date(2024, 12, 31)
        )
    assert isinstance(answer, TimelineAnswer), answer
    return answer


def registration(agreement_id: str) -> RegisterRequest:
    terms = Terms(initial_term_months=12, renewal_term_months=12, notice_days=90)
    return RegisterRequest(
        id=agreement_id, title="An example pact", parties=["A", "B"], terms=terms, occurred_on=date(2020, 1, 1)
    )


def register_and_give_notice(base_url: str, token: str, agreement_id: str) -> AppendAnswer:
    """Register an agreement, put it in force, and give notice of termination: each event
    built from the generated model of its type."""
    source = [Source(publisher="Example Gazette")]
    in_force = [
        SignedEventIn(type_="signed", occurred_on=date(2020, 2, 3), sources=source),
        EnteredIntoForceEventIn(type_="entered_into_force", occurred_on=date(2020, 2, 29), sources=source),
    ]
    notice = TerminationNotifiedEventIn(
        type_="termination_notified",
        occurred_on=date(2021, 6, 1),
        payload=TerminationNotifiedPayload(notified_by="A"),
        sources=source,
    )
    with AuthenticatedClient(base_url, token=token) as client:
        registered = agreements_register_agreement.sync(client=client, body=registration(agreement_id))
        assert isinstance(registered, RegisteredAnswer), registered
        body = AppendRequest(events=[*in_force, notice])
        appended = agreements_append_events.sync(agreement_id, client=client, body=body)
    assert isinstance(appended, AppendAnswer), appended
    return appended


def the_problem_with(base_url: str, token: str, agreement_id: str) -> tuple[Problem, Problem]:
    """A 404 (no such agreement) and a 409 (registered already), each as a Problem."""
    with Client(base_url) as client:
        missing = agreements_get_status.sync_detailed("no-such-pact", client=client)
    with AuthenticatedClient(base_url, token=token) as client:
        again = agreements_register_agreement.sync_detailed(client=client, body=registration(agreement_id))
    assert isinstance(missing.parsed, Problem) and isinstance(again.parsed, Problem)
    return missing.parsed, again.parsed
