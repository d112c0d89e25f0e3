"""A hand-over on the in-memory store: who sees the case and its client afterwards."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from services.cases.application import Caller, RegisteredClient
from services.cases.personal_data import PersonalData
from shared.auth import Principal, Role
from shared.problems import NotFound
from tests.cases.fakes import InMemory, in_memory_cases

NORD = Caller.of(Principal("cw-1", Role.CASEWORKER, team="asd-nord"))
SUED = Caller.of(Principal("cw-2", Role.CASEWORKER, team="asd-sued"))
DAY = date(2026, 3, 2)


@pytest.fixture
def app() -> InMemory:
    return in_memory_cases()


def a_client_with_a_case(app: InMemory) -> tuple[UUID, UUID]:
    client = app.cases.register_client(
        personal_data=PersonalData(name="Erika Mustermann", birth_date=date(2009, 5, 17),
                                   address="Hauptstraße 1"),
        gender_category=None, caller=NORD, occurred_on=DAY)
    case = app.cases.open_case(client=RegisteredClient(client.id), field_of_action="jugend",
                               target_groups=[], district="Nordstadt",
                               legal_basis="SGB VIII §27", caller=NORD, occurred_on=DAY)
    return client.id, case.id


def test_a_hand_over_moves_the_case_and_is_in_the_access_log(app: InMemory) -> None:
    _, case_id = a_client_with_a_case(app)

    handed = app.cases.hand_over(case_id, team="asd-sued", reason="Umzug", caller=NORD,
                                 occurred_on=DAY, expected_version=1)

    assert (handed.team, handed.version) == ("asd-sued", 2)
    with pytest.raises(NotFound):
        app.cases.case(handed.id, caller=NORD)
    assert app.cases.case(handed.id, caller=SUED).team == "asd-sued"
    logged = [(e.subject, e.object_type, e.object_ref, e.granted) for e in app.log.entries()]
    assert ("cw-1", "case_handover", str(case_id), True) in logged


def test_the_registering_team_sees_its_client_only_until_its_cases_are_with_others(
        app: InMemory) -> None:
    client_id, _ = a_client_with_a_case(app)
    client = app.cases.client_aggregate(client_id)
    assert client is not None

    app.index.teams[client.pseudonym] = {"asd-nord"}
    seen_with_own_case = app.cases.client(client.id, caller=NORD)
    app.index.teams[client.pseudonym] = {"asd-sued"}  # the read model after the hand-over

    assert seen_with_own_case.pseudonym == client.pseudonym
    with pytest.raises(NotFound):
        app.cases.client(client.id, caller=NORD)
    assert app.cases.client(client.id, caller=SUED).personal_data is not None
