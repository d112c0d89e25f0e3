"""Finding a client by name and birth date through the blind index, the 409 for a person the
team knows already, and changing a client's name, birth date or address."""

from __future__ import annotations

import asyncio
import secrets
import string
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.cases.system import CasesSystem, cases_system
from tests.support import Infrastructure, Tokens, bearer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BORN = "1980-02-03"


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


@pytest.fixture
def surname() -> str:
    """A surname no other test registers, with an umlaut."""
    return "Müller" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


async def find(system: CasesSystem, token: str, name: str,
               birth_date: str = BORN) -> list[dict[str, Any]]:
    response = await system.http.get("/clients", params={"name": name, "birth_date": birth_date},
                                     headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def register(system: CasesSystem, token: str, name: str, **more: Any) -> Any:
    return await system.post("/clients", token, {"name": name, "birth_date": BORN,
                                                 "address": "Hauptstraße 1", **more})


async def test_a_client_is_found_by_name_and_birth_date_however_the_name_is_written(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    client = (await register(system, tokens.caseworker, f"Jürgen {surname}")).json()
    written_out = f"  JUERGEN   {surname.upper().replace('Ü', 'UE')} "

    found = await find(system, tokens.caseworker, written_out)
    other_day = await find(system, tokens.caseworker, f"Jürgen {surname}", "1980-02-04")
    other_team = await find(system, tokens.other_caseworker, f"Jürgen {surname}")
    audited = await system.http.get("/clients", params={"name": "x", "birth_date": BORN},
                                    headers=bearer(tokens.auditor))
    log = await system.http.get("/access-log", params={"object_ref": client["pseudonym"]},
                                headers=bearer(tokens.auditor))

    assert [(item["id"], item["personal_data"]["name"]) for item in found] == [
        (client["id"], f"Jürgen {surname}")]
    assert (other_day, other_team) == ([], [])
    assert audited.status_code == 403
    assert [(entry["object_type"], entry["subject"]) for entry in log.json()] == [
        ("client", "cw-1")]


async def test_registering_a_person_the_team_knows_answers_409_unless_registered_anyway(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    first = await register(system, tokens.caseworker, f"Erika {surname}")

    again = await register(system, tokens.caseworker, f"erika {surname.lower()}")
    anyway = await register(system, tokens.caseworker, f"Erika {surname}",
                            register_anyway=True)
    other_team = await register(system, tokens.other_caseworker, f"Erika {surname}")
    third = await register(system, tokens.caseworker, f"Erika {surname}")

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert (again.json()["rule"], again.json()["matches"]) == (
        "client_already_known", [first.json()["id"]])
    assert surname not in again.text
    assert (anyway.status_code, other_team.status_code) == (201, 201)
    assert set(third.json()["matches"]) == {first.json()["id"], anyway.json()["id"]}
    assert len(await find(system, tokens.caseworker, f"Erika {surname}")) == 2


async def test_a_409_naming_a_known_person_is_logged_as_a_search_finding_them(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    first = (await register(system, tokens.caseworker, f"Paul {surname}")).json()

    again = await register(system, tokens.caseworker, f"Paul {surname}")
    log = await system.http.get("/access-log", params={"object_ref": first["pseudonym"]},
                                headers=bearer(tokens.auditor))

    assert again.status_code == 409
    assert [(entry["object_type"], entry["subject"]) for entry in log.json()] == [
        ("client", "cw-1")]


async def test_clients_stored_before_the_index_existed_are_found_after_a_start(
        infrastructure: Infrastructure, secret: str, tokens: Tokens, surname: str) -> None:
    async with cases_system(infrastructure, secret) as before:
        client = (await register(before, tokens.caseworker, f"Greta {surname}")).json()
        await before.fetch("DELETE FROM client_lookup")  # as stored by an earlier version

    async with cases_system(infrastructure, secret, database_url=before.database_url) as after:
        found = await find(after, tokens.caseworker, f"Greta {surname}")

    assert [item["id"] for item in found] == [client["id"]]


async def test_an_erased_client_is_found_no_more_and_its_entry_is_gone(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    client = (await register(system, tokens.caseworker, f"Anna {surname}")).json()

    erased = await system.http.delete(f"/clients/{client['id']}/personal-data",
                                      headers=bearer(tokens.data_protection_officer))

    assert erased.status_code == 200
    assert await find(system, tokens.caseworker, f"Anna {surname}") == []
    assert await system.fetch("SELECT * FROM client_lookup WHERE client_id = $1",
                              uuid.UUID(client["id"])) == []
    assert (await register(system, tokens.caseworker, f"Anna {surname}")).status_code == 201


async def test_changing_the_personal_data_seals_it_anew_and_moves_the_index_entry(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    client = (await register(system, tokens.caseworker, f"Lena {surname}")).json()
    path = f"/clients/{client['id']}/personal-data"
    changed_to = {"name": f"Lena {surname}-Schmidt", "birth_date": "1980-03-02",
                  "address": "Bahnhofstraße 5"}

    changed = await system.http.put(path, json=changed_to,
                                    headers={**bearer(tokens.caseworker), "If-Match": '"1"'})
    read = await system.get(f"/clients/{client['id']}", tokens.caseworker)
    stale = await system.http.put(path, json=changed_to,
                                  headers={**bearer(tokens.caseworker), "If-Match": '"1"'})

    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["personal_data"] == changed_to
    assert (read.json()["version"], read.json()["personal_data"]) == (2, changed_to)
    assert (stale.status_code, stale.json()["rule"]) == (409, "expected_version")
    assert await find(system, tokens.caseworker, f"Lena {surname}") == []
    assert [item["id"] for item in await find(system, tokens.caseworker, changed_to["name"],
                                              "1980-03-02")] == [client["id"]]
    stored = await system.fetch("SELECT state FROM cases_events WHERE originator_id = $1",
                                uuid.UUID(client["id"]))
    assert len(stored) == 2
    assert not any(b"Schmidt" in row["state"] or b"Bahnhof" in row["state"]
                   for row in stored)


async def test_a_change_is_refused_for_another_team_an_erased_client_and_unknown_fields(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    client = (await register(system, tokens.caseworker, f"Max {surname}")).json()
    path = f"/clients/{client['id']}/personal-data"
    body = {"name": "Max Neu", "birth_date": BORN, "address": "Weg 1"}

    other_team = await system.http.put(path, json=body, headers=bearer(tokens.other_caseworker))
    auditor = await system.http.put(path, json=body, headers=bearer(tokens.auditor))
    unknown_field = await system.http.put(path, json={**body, "religion": "keine"},
                                          headers=bearer(tokens.caseworker))
    await system.http.delete(path, headers=bearer(tokens.data_protection_officer))
    erased = await system.http.put(path, json=body, headers=bearer(tokens.caseworker))

    assert (other_team.status_code, auditor.status_code) == (404, 403)
    assert unknown_field.status_code == 422
    assert (erased.status_code, erased.json()["rule"]) == (410, "personal_data_erased")


async def test_two_changes_from_the_same_version_are_made_once(
        system: CasesSystem, tokens: Tokens, surname: str) -> None:
    client = (await register(system, tokens.caseworker, f"Ida {surname}")).json()
    path = f"/clients/{client['id']}/personal-data"

    answers = await asyncio.gather(*(system.http.put(
        path, json={"name": f"Ida {surname} {n}", "birth_date": BORN, "address": "Weg 1"},
        headers={**bearer(tokens.caseworker), "If-Match": '"1"'}) for n in range(3)))

    assert sorted(answer.status_code for answer in answers) == [200, 409, 409]
    [winner] = [answer.json() for answer in answers if answer.status_code == 200]
    read = await system.get(f"/clients/{client['id']}", tokens.caseworker)
    assert read.json()["personal_data"] == winner["personal_data"]
