"""Every free text a caseworker writes about a person is stored sealed with the client's key,
reads as written, and after the erasure reads as the marker while the case still counts."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID, uuid4

import pytest

from services.cases.application import (
    Caller,
    CaseDetails,
    PersonalDataGone,
    PseudonymousClient,
    RegisteredClient,
)
from services.cases.domain import AgreementOnRecord, Client
from services.cases.personal_data import PersonalData
from services.cases.sealed_text import ERASED_TEXT
from shared.auth import Principal, Role
from shared.problems import status_of
from tests.cases.fakes import InMemory, in_memory_cases
from tests.cases.test_application import DAY, DPO, ERIKA, NORD

LEVELS = {"-2": "trinkt täglich", "-1": "trinkt mehrmals pro Woche",
          "0": "trinkt höchstens einmal pro Woche", "1": "trinkt selten",
          "2": "lebt abstinent"}
TEXTS = {
    "summary": "Alkoholabhängigkeit der Mutter, häusliche Konflikte",
    "title": "Abstinenz der Mutter",
    "note": "Rückfall nach dem Streit mit dem Vater",
    "withdrawal": "gehört zum Fall der Schwester",
    "reversal": "Stunde doppelt erfasst, Mutter war im Krankenhaus",
    "ending": "Beratung abgebrochen wegen Klinikaufenthalt",
    "reopening": "erneuter Rückfall der Mutter",
    "handover": "Umzug der Familie zur Großmutter",
}
EVERY_TEXT = [*TEXTS.values(), *LEVELS.values()]
NEW_TEAM = Caller.of(Principal("cw-3", Role.CASEWORKER, team="asd-nord-2"))


@pytest.fixture
def app() -> InMemory:
    return in_memory_cases()


def a_case_with_every_kind_of_text(app: InMemory, client: RegisteredClient |
                                   PseudonymousClient) -> UUID:
    """A case with an assessment, goals, a review, a withdrawal, a reversal, an ended
    service, a closure, a reopening and a hand-over, each with its text."""
    cases, agreement_id = app.cases, uuid4()
    app.agreements.on_record[agreement_id] = AgreementOnRecord(
        agreement_id=agreement_id, field_of_action="gesundheit", pricing_unit="hour",
        capacity=3, term_start=date(2026, 1, 1), term_end=date(2026, 12, 31),
        signed_on=date(2026, 1, 1))
    case_id = cases.open_case(client=client, field_of_action="gesundheit", target_groups=[],
                              district="Nord", legal_basis="SGB V §20", caller=NORD,
                              occurred_on=DAY).id
    cases.assess(case_id, summary=TEXTS["summary"], caller=NORD, occurred_on=DAY)
    _, goal_id = cases.set_goal(case_id, title=TEXTS["title"], levels=LEVELS, baseline=-1,
                                weight=1, caller=NORD, occurred_on=DAY)
    _, wrong_goal = cases.set_goal(case_id, title="Ziel", levels=LEVELS, baseline=0, weight=1,
                                   caller=NORD, occurred_on=DAY)
    cases.review_goal(case_id, goal_id, level=1, note=TEXTS["note"], caller=NORD, occurred_on=DAY)
    cases.withdraw_goal(case_id, wrong_goal, reason=TEXTS["withdrawal"], caller=NORD,
                        occurred_on=DAY)
    _, service_id = cases.assign_service(case_id, agreement_id=agreement_id, units_planned=10,
                                         start_date=DAY, caller=NORD, occurred_on=DAY)
    delivered = cases.record_delivery(case_id, service_id, period="2026-03", units=2,
                                      caller=NORD, occurred_on=DAY)
    [delivery] = delivered.services[0].deliveries
    cases.reverse_delivery(case_id, service_id, delivery.delivery_id,
                           reason=TEXTS["reversal"], caller=NORD, occurred_on=DAY)
    cases.end_service(case_id, service_id, reason=TEXTS["ending"], caller=NORD, occurred_on=DAY)
    cases.close_case(case_id, reason="dropped_out", caller=NORD, occurred_on=DAY)
    cases.reopen_case(case_id, reason=TEXTS["reopening"], caller=NORD, occurred_on=DAY)
    cases.hand_over(case_id, team="asd-nord-2", reason=TEXTS["handover"], caller=NORD,
                    occurred_on=DAY)
    return case_id


def registered_client(app: InMemory) -> UUID:
    return app.cases.register_client(personal_data=ERIKA, gender_category=None, caller=NORD,
                                     occurred_on=DAY).id


def texts_of(details: CaseDetails) -> list[str]:
    return [text for text in (
        details.assessment_summary,
        *(goal.title for goal in details.goals),
        *(words for goal in details.goals for words in goal.levels.values()),
        *(review.note for goal in details.goals for review in goal.reviews),
        *(goal.withdrawal_reason for goal in details.goals),
        *(delivery.reversal_reason for service in details.services
          for delivery in service.deliveries)) if text is not None]


def stored(app: InMemory) -> bytes:
    return b"".join(n.state for n in app.cases.recorder.select_notifications(0, 10_000))


def found_in(haystack: bytes, texts: list[str]) -> list[str]:
    return [text for text in texts if text.encode() in haystack
            or json.dumps(text)[1:-1].encode() in haystack]


def test_no_free_text_is_stored_as_written(app: InMemory) -> None:
    a_case_with_every_kind_of_text(app, RegisteredClient(registered_client(app)))

    assert found_in(stored(app), EVERY_TEXT) == []


def test_a_clients_own_key_seals_them_so_another_key_opens_none() -> None:
    app = in_memory_cases()
    client_id = registered_client(app)
    a_case_with_every_kind_of_text(app, RegisteredClient(client_id))
    sealed = [text for text in stored(app).decode().split('"') if text.startswith("sealed:v1:")]

    assert len(sealed) >= len(EVERY_TEXT)
    assert app.vault.key_to_open(client_id) is not None
    assert app.vault.key_to_open(Client.create_id("p-someone-else")) is None


def test_the_caseworker_reads_every_text_as_written(app: InMemory) -> None:
    case_id = a_case_with_every_kind_of_text(app, RegisteredClient(registered_client(app)))
    details = app.cases.case(case_id, caller=NEW_TEAM)
    history = app.cases.case_history(case_id, caller=NEW_TEAM)

    # The reasons of an ending, a reopening and a hand-over show in the history only.
    assert set(EVERY_TEXT) - {TEXTS["ending"], TEXTS["reopening"], TEXTS["handover"]} <= set(
        texts_of(details))
    in_history = json.dumps([entry.data for entry in history], ensure_ascii=False,
                            default=str)
    assert found_in(in_history.encode(), EVERY_TEXT) == EVERY_TEXT


def test_a_client_known_only_by_pseudonym_gets_a_key_of_its_own_for_its_texts(
        app: InMemory) -> None:
    case_id = a_case_with_every_kind_of_text(app, PseudonymousClient("p-extern-1", "27-44"))

    assert found_in(stored(app), EVERY_TEXT) == []
    assert app.vault.key_to_open(Client.create_id("p-extern-1")) is not None
    assert app.cases.details(app.cases.repository.get(case_id)).assessment_summary == (
        TEXTS["summary"])


def test_after_the_erasure_each_text_reads_as_the_marker_and_the_case_still_counts(
        app: InMemory) -> None:
    client_id = registered_client(app)
    case_id = a_case_with_every_kind_of_text(app, RegisteredClient(client_id))
    before = app.cases.details(app.cases.repository.get(case_id))

    app.cases.erase_personal_data(client_id, caller=DPO, occurred_on=DAY)
    after = app.cases.details(app.cases.repository.get(case_id))
    history = app.cases.case_history(case_id, caller=NEW_TEAM)

    assert set(texts_of(after)) == {ERASED_TEXT}
    assert (after.gas_t_score, after.status, len(after.goals), after.version) == (
        before.gas_t_score, before.status, len(before.goals), before.version)
    assert [entry.type for entry in history] == [
        "Case.Opened", "Case.Assessed", "Case.GoalSet", "Case.GoalSet", "Case.GoalReviewed",
        "Case.GoalWithdrawn", "Case.ServiceAssigned", "Case.DeliveryRecorded",
        "Case.DeliveryReversed", "Case.ServiceEnded", "Case.Closed", "Case.Reopened",
        "Case.HandedOver"]
    in_history = json.dumps([entry.data for entry in history], ensure_ascii=False,
                            default=str)
    assert found_in(in_history.encode(), EVERY_TEXT) == []
    # Each text once, and the withdrawn goal's title and five levels besides.
    assert in_history.count(ERASED_TEXT) == len(EVERY_TEXT) + 6


def test_no_new_text_about_an_erased_client_is_recorded_but_its_case_still_closes(
        app: InMemory) -> None:
    client_id = registered_client(app)
    case_id = app.cases.open_case(client=RegisteredClient(client_id), field_of_action="jugend",
                                  target_groups=[], district="Nord", legal_basis="SGB VIII §27",
                                  caller=NORD, occurred_on=DAY).id
    app.cases.assess(case_id, summary="vor der Löschung", caller=NORD, occurred_on=DAY)
    app.cases.erase_personal_data(client_id, caller=DPO, occurred_on=DAY)

    with pytest.raises(PersonalDataGone) as refused:
        app.cases.assess(case_id, summary="nach der Löschung", caller=NORD, occurred_on=DAY)
    closed = app.cases.close_case(case_id, reason="moved", caller=NORD, occurred_on=DAY)

    assert (status_of(refused.value), refused.value.rule) == (409, "personal_data_erased")
    assert closed.status == "closed"
    assert found_in(stored(app), ["nach der Löschung", "vor der Löschung"]) == []


def test_a_change_of_the_personal_data_keeps_the_texts_readable(app: InMemory) -> None:
    client_id = registered_client(app)
    case_id = a_case_with_every_kind_of_text(app, RegisteredClient(client_id))
    app.index.teams[app.cases.repository.get(client_id).pseudonym] = {"asd-nord"}

    app.cases.update_personal_data(client_id, personal_data=PersonalData(
        name="Erika Musterfrau", birth_date=ERIKA.birth_date, address="Bahnhofstraße 5"),
        caller=NORD)

    details = app.cases.details(app.cases.repository.get(case_id))
    assert details.assessment_summary == TEXTS["summary"]
