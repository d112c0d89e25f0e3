"""A history imported into the cases application: the domain's rules hold, the importer states
what the read models would say on the day, and nothing is stored before `save`."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from services.cases.application import AgreementOnRecord, Caller, HistoryImport
from services.cases.domain import AgreementFullyBookedError, Case, CaseAlreadyClosedError
from services.cases.personal_data import PersonalData
from shared.errors import Invalid, NotFound, Refused
from shared.principals import Principal, Role
from tests.cases.fakes import InMemory, in_memory_cases

NORD = Caller.of(Principal("cw-1", Role.CASEWORKER, team="asd-nord"))
SUED = Caller.of(Principal("cw-2", Role.CASEWORKER, team="asd-sued"))
AUDITOR = Caller.of(Principal("au-1", Role.AUDITOR))
ERIKA = PersonalData(name="Erika Mustermann", birth_date=date(2008, 5, 17),
                     address="Hauptstraße 1")
OPENED = date(2024, 3, 4)
AGREEMENT = AgreementOnRecord(agreement_id=uuid4(), field_of_action="jugend",
                              pricing_unit="hour", capacity=2, term_start=date(2024, 1, 1),
                              term_end=date(2025, 12, 31), signed_on=date(2023, 12, 1))


@pytest.fixture
def app() -> InMemory:
    return in_memory_cases()


def registered(history: HistoryImport) -> UUID:
    return history.register_client(pseudonym="p-import-1", personal_data=ERIKA,
                                   gender_category="female", caller=NORD, occurred_on=OPENED)


def opened(history: HistoryImport, *, last_closure: date | None = None) -> UUID:
    return history.open_case(client_id=registered(history), field_of_action="jugend",
                             target_groups=["Familien"], district="Nordstadt",
                             legal_basis="SGB VIII §27", caller=NORD, occurred_on=OPENED,
                             last_closure=last_closure)


def test_an_imported_case_is_stored_with_its_client_only_when_saved(app: InMemory) -> None:
    history = app.cases.import_history()
    client_id = registered(history)
    case_id = history.open_case(client_id=client_id, field_of_action="jugend",
                                target_groups=["Familien"], district="Nordstadt",
                                legal_basis="SGB VIII §27", caller=NORD, occurred_on=OPENED,
                                last_closure=date(2023, 9, 30))
    history.assess(case_id, summary="Erstgespräch", caller=NORD, occurred_on=OPENED)

    assert case_id not in app.cases.repository
    assert history.save() == 3

    case: Case = app.cases.repository.get(case_id)
    assert (case.team, case.client_pseudonym, case.age_band, case.reentry, case.version) == (
        "asd-nord", "p-import-1", "14-17", True, 2)
    assert app.vault.read(client_id) == ERIKA
    assert history.save() == 0


def test_a_closure_more_than_twelve_months_before_is_no_reentry(app: InMemory) -> None:
    history = app.cases.import_history()
    case_id = opened(history, last_closure=date(2023, 3, 3))
    history.save()

    assert app.cases.repository.get(case_id).reentry is False


def test_only_a_caseworker_of_the_cases_team_records_its_steps(app: InMemory) -> None:
    history = app.cases.import_history()
    case_id = opened(history)

    with pytest.raises(NotFound):
        history.assess(case_id, summary="", caller=SUED, occurred_on=OPENED)
    with pytest.raises(Refused):
        history.assess(case_id, summary="", caller=AUDITOR, occurred_on=OPENED)


def test_the_domains_rules_hold_for_an_imported_step(app: InMemory) -> None:
    history = app.cases.import_history()
    case_id = opened(history)
    history.close_case(case_id, reason="moved", caller=NORD, occurred_on=OPENED)

    with pytest.raises(CaseAlreadyClosedError):
        history.close_case(case_id, reason="moved", caller=NORD, occurred_on=OPENED)


def test_an_assignment_is_checked_against_the_places_taken_on_the_day(
        app: InMemory) -> None:
    history = app.cases.import_history()
    case_id = opened(history)

    history.assign_service(case_id, service_id=uuid4(), agreement=AGREEMENT,
                           running_services=1, units_planned=40,
                           start_date=date(2024, 4, 1), caller=NORD,
                           occurred_on=date(2024, 4, 1))
    with pytest.raises(AgreementFullyBookedError):
        history.assign_service(case_id, service_id=uuid4(), agreement=AGREEMENT,
                               running_services=2, units_planned=40,
                               start_date=date(2024, 4, 1), caller=NORD,
                               occurred_on=date(2024, 4, 1))


def by_pseudonym(history: HistoryImport) -> UUID:
    return history.register_client(pseudonym="p-import-2", personal_data=None,
                                   gender_category=None, caller=NORD, occurred_on=OPENED)


def test_a_client_imported_by_pseudonym_gets_its_key_and_its_cases_the_stated_age_band(
        app: InMemory) -> None:
    history = app.cases.import_history()
    client_id = by_pseudonym(history)
    case_id = history.open_case(client_id=client_id, field_of_action="jugend",
                                target_groups=[], district="Nordstadt",
                                legal_basis="SGB VIII §27", caller=NORD, occurred_on=OPENED,
                                age_band="6-13", case_id=UUID(int=1, version=4))
    history.save()

    case: Case = app.cases.repository.get(case_id)
    assert (case_id, case.client_pseudonym, case.age_band) == (
        UUID(int=1, version=4), "p-import-2", "6-13")
    assert app.vault.key_to_open(client_id) is not None


def test_a_case_states_its_age_band_only_for_a_client_without_a_birth_date(
        app: InMemory) -> None:
    history = app.cases.import_history()
    with_birth_date, without = registered(history), by_pseudonym(history)

    for client_id, age_band in ((with_birth_date, "6-13"), (without, None),
                                (without, "about ten")):
        with pytest.raises(Invalid):
            history.open_case(client_id=client_id, field_of_action="jugend",
                              target_groups=[], district="Nordstadt",
                              legal_basis="SGB VIII §27", caller=NORD, occurred_on=OPENED,
                              age_band=age_band)


def test_a_client_imported_by_pseudonym_before_gets_cases_in_a_later_import(
        app: InMemory) -> None:
    first = app.cases.import_history()
    client_id = by_pseudonym(first)
    first.save()

    later = app.cases.import_history()
    case_id = later.open_case(client_id=client_id, field_of_action="jugend",
                              target_groups=[], district="Nordstadt",
                              legal_basis="SGB VIII §27", caller=NORD, occurred_on=OPENED,
                              age_band="18-26")
    later.save()

    assert app.cases.repository.get(case_id).age_band == "18-26"
