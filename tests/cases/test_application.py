"""The cases application on the in-memory store: access rules, the vault and the access log."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.cases.application import Caller, PersonalDataGone, RegisteredClient
from services.cases.domain import AgreementOnRecord, AssignmentError, Client
from services.cases.personal_data import PersonalData, PersonalDataErased
from shared.auth import Principal, Role
from shared.problems import Forbidden, NotFound
from tests.cases.fakes import InMemory, in_memory_cases

NORD = Caller.of(Principal("cw-1", Role.CASEWORKER, team="asd-nord"))
SUED = Caller.of(Principal("cw-2", Role.CASEWORKER, team="asd-sued"), "Übergabe")
AUDITOR = Caller.of(Principal("au-1", Role.AUDITOR))
DPO = Caller.of(Principal("dpo-1", Role.DATA_PROTECTION_OFFICER))
ERIKA = PersonalData(name="Erika Mustermann", birth_date=date(1960, 5, 17),
                     address="Hauptstraße 1")
DAY = date(2026, 3, 2)


@pytest.fixture
def app() -> InMemory:
    return in_memory_cases()


def registered(app: InMemory) -> Client:
    client_id = app.cases.register_client(personal_data=ERIKA, gender_category=None,
                                          caller=NORD, occurred_on=DAY).id
    client: Client = app.cases.repository.get(client_id)
    return client


def test_a_registered_clients_data_is_in_the_vault_and_its_event_holds_only_the_pseudonym(
        app: InMemory) -> None:
    client = registered(app)

    [event] = app.cases.events.get(client.id)

    assert app.vault.read(client.id) == ERIKA
    assert "Erika" not in repr(vars(event))
    assert (client.team, client.pseudonym.startswith("p-")) == ("asd-nord", True)


def test_a_team_with_a_case_of_the_client_reads_its_data_and_the_read_is_logged(
        app: InMemory) -> None:
    client = registered(app)
    app.index.teams[client.pseudonym] = {"asd-sued"}

    read = app.cases.client(client.id, caller=SUED)

    assert read.personal_data == ERIKA
    [entry] = app.log.entries()
    assert (entry.subject, entry.object_ref, entry.purpose, entry.granted) == (
        "cw-2", client.pseudonym, "Übergabe", True)


def test_another_team_without_a_case_is_refused_as_if_the_client_did_not_exist(
        app: InMemory) -> None:
    client = registered(app)

    with pytest.raises(NotFound):
        app.cases.client(client.id, caller=SUED)
    with pytest.raises(NotFound):
        app.cases.open_case(client=RegisteredClient(client.id), field_of_action="soziales",
                            target_groups=[], district="Süd", legal_basis="SGB XII §67",
                            caller=SUED, occurred_on=DAY)

    assert [(e.granted, e.object_ref) for e in app.log.entries()] == [
        (False, client.pseudonym)] * 2


def test_auditors_see_the_pseudonym_but_never_the_data(app: InMemory) -> None:
    client = registered(app)

    read = app.cases.client(client.id, caller=AUDITOR)

    assert (read.pseudonym, read.personal_data) == (client.pseudonym, None)


def test_a_case_opened_for_a_client_records_the_age_band_on_the_opening_day(
        app: InMemory) -> None:
    client = registered(app)
    app.index.closures[client.pseudonym] = date(2025, 9, 1)

    case = app.cases.open_case(client=RegisteredClient(client.id), field_of_action="soziales",
                               target_groups=[], district="Nord", legal_basis="SGB XII §67",
                               caller=NORD, occurred_on=date(2026, 5, 17))

    assert (case.age_band, case.reentry, case.team) == ("65+", True, "asd-nord")


def test_erasing_destroys_the_key_and_records_the_erasure(app: InMemory) -> None:
    client = registered(app)

    with pytest.raises(Forbidden):
        app.cases.erase_personal_data(client.id, caller=NORD, occurred_on=DAY)
    erased = app.cases.erase_personal_data(client.id, caller=DPO, occurred_on=DAY)

    assert erased.personal_data_erased
    with pytest.raises(PersonalDataErased):
        app.vault.read(client.id)
    with pytest.raises(PersonalDataGone):
        app.cases.client(client.id, caller=NORD)
    assert [type(e).__qualname__ for e in app.cases.events.get(client.id)] == [
        "Client.Registered", "Client.PersonalDataErased"]


def test_an_assignment_counts_the_running_services_the_read_model_reports(
        app: InMemory) -> None:
    agreement_id = uuid4()
    app.agreements.on_record[agreement_id] = AgreementOnRecord(
        agreement_id=agreement_id, field_of_action="soziales", pricing_unit="place",
        capacity=3, term_start=date(2026, 1, 1), term_end=date(2026, 12, 31),
        signed_on=date(2026, 1, 1))
    case = app.cases.open_case(client=RegisteredClient(registered(app).id),
                               field_of_action="soziales", target_groups=[], district="Nord",
                               legal_basis="SGB XII §67", caller=NORD, occurred_on=DAY)
    app.index.running[agreement_id] = 3

    with pytest.raises(AssignmentError) as refused:
        app.cases.assign_service(case.id, agreement_id=agreement_id, units_planned=1,
                                 start_date=DAY, caller=NORD, occurred_on=DAY)
    app.index.running[agreement_id] = 2
    assigned, service_id = app.cases.assign_service(
        case.id, agreement_id=agreement_id, units_planned=1, start_date=DAY, caller=NORD,
        occurred_on=DAY)

    assert refused.value.rule == "agreement_fully_booked"
    assert [(s.id, s.unit) for s in assigned.services] == [(service_id, "place")]


def test_a_clients_id_names_no_case_and_a_cases_id_no_client(app: InMemory) -> None:
    client = registered(app)
    case = app.cases.open_case(client=RegisteredClient(client.id), field_of_action="soziales",
                               target_groups=[], district="Nord", legal_basis="SGB XII §67",
                               caller=NORD, occurred_on=DAY)

    with pytest.raises(NotFound):
        app.cases.case(client.id, caller=NORD)
    with pytest.raises(NotFound):
        app.cases.assess(client.id, summary="x", caller=NORD, occurred_on=DAY)
    with pytest.raises(NotFound):
        app.cases.client(case.id, caller=NORD)
    with pytest.raises(NotFound):
        app.cases.erase_personal_data(case.id, caller=DPO, occurred_on=DAY)
