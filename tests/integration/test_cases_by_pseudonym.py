"""An auditor finds a client's cases by the pseudonym; the lookup is logged under it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.cases.system import CasesSystem, cases_system
from tests.support import Infrastructure, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


async def test_an_auditor_finds_every_case_of_a_pseudonym_and_no_other(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    first = await system.new_case(tokens.caseworker, client["id"])
    await system.post(f"/cases/{first['id']}/closure", tokens.caseworker, {"reason": "moved"},
                      **{"If-Match": '"1"'})
    second = await system.new_case(tokens.caseworker, client["id"])
    await system.new_case(tokens.caseworker)  # another client's

    found = await system.get(f"/cases?client_pseudonym={client['pseudonym']}", tokens.auditor)

    assert found.status_code == 200, found.text
    assert {item["id"] for item in found.json()["items"]} == {first["id"], second["id"]}
    assert found.json()["total"] == 2
    assert {item["client_pseudonym"] for item in found.json()["items"]} == {client["pseudonym"]}


async def test_an_unknown_pseudonym_finds_nothing(system: CasesSystem, tokens: Tokens) -> None:
    found = await system.get("/cases?client_pseudonym=p-0000000000000000", tokens.auditor)

    assert (found.status_code, found.json()["total"]) == (200, 0)


async def test_a_caseworker_of_another_team_finds_none_of_the_clients_cases(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    await system.new_case(tokens.caseworker, client["id"])

    found = await system.get(f"/cases?client_pseudonym={client['pseudonym']}",
                             tokens.other_caseworker)

    assert found.json()["items"] == []


async def test_the_lookup_is_in_the_access_log_under_the_pseudonym(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    await system.new_case(tokens.caseworker, client["id"])

    await system.get(f"/cases?client_pseudonym={client['pseudonym']}", tokens.auditor)
    log = await system.http.get("/access-log", params={"object_ref": client["pseudonym"],
                                                       "subject": "au-1"},
                                headers={"Authorization": f"Bearer {tokens.auditor}"})

    assert [(entry["object_type"], entry["role"]) for entry in log.json()] == [
        ("case_list", "auditor")]
