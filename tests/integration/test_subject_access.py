"""Data-subject access (DSGVO Art. 15): the complete export for one person, on the real
PostgreSQL, and the access log read per person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.cases.main import create_app
from services.cases.settings import CasesSettings
from shared.topics import Topics
from tests.support import Infrastructure, Tokens, bearer, serving, settings_for

pytestmark = pytest.mark.integration
LEVELS = {"-2": "keine Schule", "-1": "selten", "0": "meist", "1": "fast immer", "2": "immer"}


@pytest.fixture
async def cases(infrastructure: Infrastructure, topics: Topics, secret: str,
                database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, retention_check_seconds=0)
    async with serving(create_app(settings)) as client:
        yield client


async def call(client: httpx.AsyncClient, token: str, method: str, path: str,
               body: dict[str, Any] | None = None, purpose: str | None = None) -> Any:
    headers = bearer(token) | ({"X-Purpose": purpose} if purpose else {})
    answer = await client.request(method, path, json=body, headers=headers)
    assert answer.status_code < 300, answer.text
    return answer.json()


async def test_the_export_holds_the_persons_data_every_event_of_their_cases_and_every_access(
        cases: httpx.AsyncClient, tokens: Tokens) -> None:
    cw = tokens.caseworker
    client = await call(cases, cw, "POST", "/clients", {
        "name": "Erika Mustermann", "birth_date": "2009-05-17", "address": "Hauptstraße 1"})
    case = await call(cases, cw, "POST", "/cases", {
        "client_id": client["id"], "field_of_action": "jugend", "district": "Nordstadt",
        "legal_basis": "SGB VIII §27", "target_groups": []})
    path = f"/cases/{case['id']}"
    await call(cases, cw, "POST", f"{path}/assessment", {"summary": "Schulangst seit dem Umzug"})
    goal = await call(cases, cw, "POST", f"{path}/goals", {
        "title": "Regelmäßiger Schulbesuch", "levels": LEVELS, "baseline": "-1"})
    goal_id = goal["goals"][0]["id"]
    await call(cases, cw, "POST", f"{path}/goals/{goal_id}/reviews",
               {"level": 1, "note": "Geht wieder gern hin"})
    await call(cases, cw, "GET", path, purpose="assistance_planning")
    refused = await cases.get(path, headers=bearer(tokens.other_caseworker))
    assert refused.status_code == 404
    events = await call(cases, tokens.auditor, "GET", f"{path}/history")
    other = await call(cases, cw, "POST", "/clients", {
        "name": "Max Muster", "birth_date": "2008-01-01", "address": "Nebenweg 2"})
    await call(cases, cw, "GET", f"/clients/{other['id']}")

    export = await call(cases, tokens.data_protection_officer, "GET",
                        f"/clients/{client['id']}/subject-access")

    assert export["client"]["personal_data"]["name"] == "Erika Mustermann"
    [record] = export["cases"]
    assert record["case"]["id"] == case["id"]
    [exported_goal] = record["case"]["goals"]
    assert exported_goal["title"] == "Regelmäßiger Schulbesuch"
    assert exported_goal["reviews"][0]["note"] == "Geht wieder gern hin"
    assert [(e["type"], e["version"]) for e in record["events"]] == [
        (e["type"], e["version"]) for e in events]  # every event of the case
    assert [e["type"] for e in export["client_events"]] == ["Client.Registered"]
    accesses = {(a["subject"], a["object_type"], a["purpose"], a["granted"])
                for a in export["accesses"]}
    assert {("cw-1", "case", "assistance_planning", True), ("cw-2", "case", "casework", False),
            ("au-1", "case", "audit", True),
            ("dpo-1", "client", "subject_access", True)} <= accesses
    assert all(a["client_pseudonym"] == client["pseudonym"] for a in export["accesses"])
    assert other["pseudonym"] not in str(export)  # no one else's


async def test_only_the_data_protection_officer_asks_and_the_log_reads_per_person(
        cases: httpx.AsyncClient, tokens: Tokens) -> None:
    client = await call(cases, tokens.caseworker, "POST", "/clients", {
        "name": "Tim Wagner", "birth_date": "2011-03-02", "address": "Am Markt 2"})
    target = f"/clients/{client['id']}/subject-access"

    for token in (tokens.caseworker, tokens.auditor, tokens.contract_manager):
        assert (await cases.get(target, headers=bearer(token))).status_code == 403
    log = await call(cases, tokens.data_protection_officer, "GET",
                     f"/access-log?client_pseudonym={client['pseudonym']}")
    refused_roles = {entry["role"] for entry in log if not entry["granted"]}
    assert {"auditor", "caseworker"} <= refused_roles


async def test_after_erasure_the_export_still_lists_the_cases_without_the_personal_data(
        cases: httpx.AsyncClient, tokens: Tokens) -> None:
    client = await call(cases, tokens.caseworker, "POST", "/clients", {
        "name": "Lea Berg", "birth_date": "2010-02-02", "address": "Ufer 3"})
    await call(cases, tokens.caseworker, "POST", "/cases", {
        "client_id": client["id"], "field_of_action": "jugend", "district": "Nordstadt",
        "legal_basis": "SGB VIII §27", "target_groups": []})
    await call(cases, tokens.data_protection_officer, "DELETE",
               f"/clients/{client['id']}/personal-data")

    export = await call(cases, tokens.data_protection_officer, "GET",
                        f"/clients/{client['id']}/subject-access")

    assert export["client"]["personal_data_erased"] is True
    assert export["client"]["personal_data"] is None
    assert len(export["cases"]) == 1
    assert "Lea Berg" not in str(export)


async def test_the_data_protection_officer_finds_a_person_of_any_team_and_it_is_logged(
        cases: httpx.AsyncClient, tokens: Tokens) -> None:
    client = await call(cases, tokens.other_caseworker, "POST", "/clients", {
        "name": "Jana Süß", "birth_date": "1999-09-09", "address": "Hofweg 4"})

    found = await call(cases, tokens.data_protection_officer, "GET",
                       "/clients?name=jana suess&birth_date=1999-09-09",
                       purpose="subject_access")
    log = await call(cases, tokens.auditor, "GET",
                     f"/access-log?client_pseudonym={client['pseudonym']}&subject=dpo-1")

    assert [item["id"] for item in found["items"]] == [client["id"]]
    assert found["items"][0]["personal_data"]["address"] == "Hofweg 4"
    assert [(entry["purpose"], entry["granted"]) for entry in log] == [
        ("subject_access", True)]


async def test_auditors_read_a_case_without_the_caseworkers_text(
        cases: httpx.AsyncClient, tokens: Tokens) -> None:
    cw = tokens.caseworker
    client = await call(cases, cw, "POST", "/clients", {
        "name": "Ole Hansen", "birth_date": "2007-07-07", "address": "Deich 1"})
    case = await call(cases, cw, "POST", "/cases", {
        "client_id": client["id"], "field_of_action": "jugend", "district": "Nordstadt",
        "legal_basis": "SGB VIII §27", "target_groups": []})
    path = f"/cases/{case['id']}"
    await call(cases, cw, "POST", f"{path}/assessment", {"summary": "Streit mit dem Vater"})
    goal = await call(cases, cw, "POST", f"{path}/goals", {
        "title": "Eigene Wohnung", "levels": LEVELS, "baseline": "0"})
    await call(cases, cw, "POST", f"{path}/goals/{goal['goals'][0]['id']}/reviews",
               {"level": 1, "note": "Besichtigung am Montag"})

    seen = await call(cases, tokens.auditor, "GET", path)
    events = await call(cases, tokens.auditor, "GET", f"{path}/history")

    [withheld_goal] = seen["goals"]
    assert withheld_goal["title"] == "[nicht für die Prüfung]"
    assert withheld_goal["reviews"][0] == {**withheld_goal["reviews"][0], "level": 1,
                                           "note": "[nicht für die Prüfung]"}
    for text in ("Streit mit dem Vater", "Eigene Wohnung", "Besichtigung am Montag",
                 "fast immer"):
        assert text not in str(seen) + str(events)
    assert len(events) == 4  # every event is there, its text withheld
    own = await call(cases, cw, "GET", path)
    assert own["goals"][0]["title"] == "Eigene Wohnung"  # the team reads its own notes
