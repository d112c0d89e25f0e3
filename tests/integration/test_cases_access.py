"""Who may see what: another team's objects answer 404, and every read and refusal is logged."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cases.system import A_GOAL, CasesSystem, agreement_feed, cases_system, replicated
from tests.support import Infrastructure, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass
class Objects:
    """A client and a case of team asd-nord, with a goal and a service with a delivery."""

    client_id: str
    pseudonym: str
    case_id: str
    goal_id: str
    service_id: str
    delivery_id: str
    agreement_id: str

    def fill(self, template: str) -> str:
        return template.format(**vars(self))


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


@pytest.fixture(scope="module")
async def nord(system: CasesSystem, tokens: Tokens) -> Objects:
    async with agreement_feed(system) as feed:
        agreement_id = await feed.signed_agreement(capacity=100)
        await replicated(system, agreement_id, feed.versions[agreement_id])
    client = await system.new_client(tokens.caseworker)
    case = await system.new_case(tokens.caseworker, client["id"])
    goal = await system.post(f"/cases/{case['id']}/goals", tokens.caseworker, A_GOAL)
    service = await system.post(f"/cases/{case['id']}/services", tokens.caseworker, {
        "agreement_id": str(agreement_id), "units_planned": 10, "start_date": "2026-03-02"})
    service_id = service.headers["location"].rsplit("/", 1)[1]
    delivered = await system.post(f"/cases/{case['id']}/services/{service_id}/deliveries",
                                  tokens.caseworker, {"period": "2026-Q1", "units": 1})
    return Objects(client_id=client["id"], pseudonym=client["pseudonym"], case_id=case["id"],
                   goal_id=goal.headers["location"].rsplit("/", 1)[1], service_id=service_id,
                   delivery_id=delivered.json()["services"][0]["deliveries"][0]["delivery_id"],
                   agreement_id=str(agreement_id))


# Every route that names a case or a client, with a body that would otherwise be valid.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("GET", "/cases/{case_id}", None, "case"),
    ("GET", "/cases/{case_id}/history", None, "case"),
    ("GET", "/cases/{case_id}/goals/{goal_id}", None, "case"),
    ("GET", "/cases/{case_id}/services/{service_id}", None, "case"),
    ("POST", "/cases/{case_id}/assessment", {"summary": "fremd"}, "case"),
    ("POST", "/cases/{case_id}/goals", A_GOAL, "case"),
    ("POST", "/cases/{case_id}/goals/{goal_id}/reviews", {"level": 1}, "case"),
    ("POST", "/cases/{case_id}/services",
     {"agreement_id": "{agreement_id}", "units_planned": 1, "start_date": "2026-03-02"}, "case"),
    ("POST", "/cases/{case_id}/services/{service_id}/deliveries",
     {"period": "2026-Q1", "units": 1}, "case"),
    ("POST", "/cases/{case_id}/services/{service_id}/end", {"reason": "fremd"}, "case"),
    ("POST", "/cases/{case_id}/closure", {"reason": "moved"}, "case"),
    ("POST", "/cases/{case_id}/reopening", {"reason": "fremd"}, "case"),
    ("POST", "/cases/{case_id}/goals/{goal_id}/withdrawal", {"reason": "fremd"}, "case"),
    ("POST", "/cases/{case_id}/services/{service_id}/deliveries/{delivery_id}/reversal",
     {"reason": "fremd"}, "case"),
    ("POST", "/cases/{case_id}/handover", {"team": "asd-sued", "reason": "fremd"}, "case"),
    ("GET", "/cases/{case_id}/assignable-agreements", None, "case"),
    ("GET", "/clients/{client_id}", None, "client"),
    ("PUT", "/clients/{client_id}/personal-data",
     {"name": "Fremd", "birth_date": "2000-01-01", "address": "Weg 1"}, "client"),
    ("POST", "/cases", {"client_id": "{client_id}", "field_of_action": "jugend",
                        "district": "Südviertel", "legal_basis": "SGB VIII §27"}, "client"),
]
# Routes naming no object of a team (lists filter by team instead), or not for caseworkers.
NOT_TEAM_OBJECTS = {("POST", "/clients"), ("GET", "/cases"), ("GET", "/access-log"),
                    ("GET", "/access-log/counts"),
                    ("DELETE", "/clients/{client_id}/personal-data"), ("GET", "/clients"),
                    ("GET", "/cases/counts"), ("GET", "/work-list"), ("GET", "/purposes"),
                    ("GET", "/clients/{client_id}/subject-access"), ("GET", "/retention/due"),
                    ("GET", "/audit/chain"), ("POST", "/audit/chain/verification"),
                    ("GET", "/agreement-occupancy")}


def request_of(objects: Objects, body: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if body is None else {
        key: objects.fill(value) if isinstance(value, str) else value
        for key, value in body.items()}


async def call(system: CasesSystem, token: str, method: str, path: str,
               body: dict[str, Any] | None, **headers: str) -> Any:
    return await system.http.request(method, path, json=body,
                                     headers={"Authorization": f"Bearer {token}", **headers})


async def access_log(system: CasesSystem, tokens: Tokens, **query: str) -> list[dict[str, Any]]:
    response = await system.http.get("/access-log", params=query,
                                     headers={"Authorization": f"Bearer {tokens.auditor}"})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def test_the_endpoints_below_are_every_route_of_the_service(system: CasesSystem) -> None:
    routes = {(method.upper(), path) for path, operations in system.app.openapi()["paths"].items()
              for method, operation in operations.items()
              if "operations" not in operation.get("tags", [])
              and not path.startswith("/asyncapi")}

    assert routes == {(method, path) for method, path, _, _ in ENDPOINTS} | NOT_TEAM_OBJECTS


@pytest.mark.parametrize(("method", "path", "body", "object_type"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
async def test_a_caseworker_of_another_team_gets_404_and_the_refusal_is_logged(
        system: CasesSystem, tokens: Tokens, nord: Objects, method: str, path: str,
        body: dict[str, Any] | None, object_type: str) -> None:
    reference = nord.case_id if object_type == "case" else nord.pseudonym
    before = len(await access_log(system, tokens, subject="cw-2", object_ref=reference))

    refused = await call(system, tokens.other_caseworker, method, nord.fill(path),
                         request_of(nord, body), **{"If-Match": '"1"'})

    assert refused.status_code == 404, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert nord.pseudonym not in refused.text
    entries = await access_log(system, tokens, subject="cw-2", object_ref=reference)
    assert len(entries) == before + 1
    assert (entries[0]["granted"], entries[0]["role"], entries[0]["object_type"]) == (
        False, "caseworker", object_type)
    assert entries[0]["client_pseudonym"] == nord.pseudonym  # the log reads per person
    own = await call(system, tokens.caseworker, "GET", f"/cases/{nord.case_id}", None)
    assert own.json()["version"] == 4  # nothing changed


async def test_another_teams_cases_are_not_in_a_caseworkers_list(
        system: CasesSystem, tokens: Tokens, nord: Objects) -> None:
    listed = await system.get("/cases?limit=500", tokens.other_caseworker)

    assert nord.case_id not in {item["id"] for item in listed.json()["items"]}


async def test_reads_are_logged_with_the_purpose_given_or_the_roles_default(
        system: CasesSystem, tokens: Tokens, nord: Objects) -> None:
    await system.get(f"/cases/{nord.case_id}", tokens.caseworker,
                     **{"X-Purpose": "assistance_planning"})
    await system.get(f"/cases/{nord.case_id}/history", tokens.auditor)
    await system.get(f"/clients/{nord.client_id}", tokens.caseworker)

    [audit, casework] = (await access_log(system, tokens, object_ref=nord.case_id,
                                          granted="true"))[:2]
    [client_read] = (await access_log(system, tokens, object_ref=nord.pseudonym,
                                      subject="cw-1", granted="true"))[:1]

    assert (audit["subject"], audit["role"], audit["purpose"]) == ("au-1", "auditor", "audit")
    assert (casework["subject"], casework["purpose"]) == ("cw-1", "assistance_planning")
    assert (client_read["object_type"], client_read["purpose"]) == ("client", "casework")


async def test_a_purpose_not_in_the_catalog_or_not_the_roles_is_refused_and_logged(
        system: CasesSystem, tokens: Tokens, nord: Objects) -> None:
    unknown = await system.get(f"/cases/{nord.case_id}", tokens.caseworker,
                               **{"X-Purpose": "Neugier"})
    not_theirs = await system.get(f"/cases/{nord.case_id}", tokens.auditor,
                                  **{"X-Purpose": "casework"})
    of_a_client = await system.get(f"/clients/{nord.client_id}", tokens.caseworker,
                                   **{"X-Purpose": "erasure"})

    for answer in (unknown, not_theirs, of_a_client):
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["rule"] == "purpose_not_allowed"
    assert "casework, assistance_planning, handover" in unknown.json()["detail"]
    refused = await access_log(system, tokens, granted="false", object_ref=nord.case_id)
    assert {("cw-1", "Neugier"), ("au-1", "casework")} <= {
        (entry["subject"], entry["purpose"]) for entry in refused}
    [client_refusal] = await access_log(system, tokens, granted="false",
                                        object_ref=nord.pseudonym, subject="cw-1")
    assert (client_refusal["object_type"], client_refusal["purpose"]) == ("client", "erasure")


async def test_each_role_is_told_its_purposes_and_which_applies_without_one(
        system: CasesSystem, tokens: Tokens) -> None:
    caseworker = (await system.get("/purposes", tokens.caseworker)).json()
    auditor = (await system.get("/purposes", tokens.auditor)).json()

    assert [(p["key"], p["default"]) for p in caseworker] == [
        ("casework", True), ("assistance_planning", False), ("handover", False)]
    assert [p["key"] for p in auditor] == ["audit"]
    assert auditor[0]["legal_basis"]


async def test_a_refusal_for_the_callers_role_is_logged_too(
        system: CasesSystem, tokens: Tokens, nord: Objects) -> None:
    changed = await system.post(f"/cases/{nord.case_id}/closure", tokens.auditor,
                                {"reason": "moved"})
    erased = await call(system, tokens.caseworker, "DELETE",
                        f"/clients/{nord.client_id}/personal-data", None)

    assert (changed.status_code, erased.status_code) == (403, 403)
    [auditor] = (await access_log(system, tokens, subject="au-1", granted="false"))[:1]
    [caseworker] = (await access_log(system, tokens, subject="cw-1", granted="false"))[:1]
    assert (auditor["object_type"], auditor["object_ref"]) == ("case", nord.case_id)
    assert (caseworker["object_type"], caseworker["object_ref"]) == ("client", nord.pseudonym)


async def test_only_auditors_and_the_data_protection_officer_read_the_access_log(
        system: CasesSystem, tokens: Tokens) -> None:
    for token in (tokens.caseworker, tokens.contract_manager):
        assert (await system.get("/access-log", token)).status_code == 403
    for token in (tokens.auditor, tokens.data_protection_officer):
        assert (await system.get("/access-log", token)).status_code == 200


async def test_auditors_count_a_span_of_the_access_log_by_role_and_purpose(
        system: CasesSystem, tokens: Tokens, nord: Objects) -> None:
    since = datetime.now(UTC)
    for token in (tokens.caseworker, tokens.caseworker, tokens.other_caseworker):
        await call(system, token, "GET", f"/cases/{nord.case_id}", None,
                   **{"X-Purpose": "assistance_planning"})
    until = datetime.now(UTC)
    span = {"since": since.isoformat(), "until": until.isoformat()}

    counted = await system.http.get("/access-log/counts", params=span,
                                    headers={"Authorization": f"Bearer {tokens.auditor}"})

    assert counted.status_code == 200, counted.text
    logged = Counter((e["role"], e["purpose"], e["granted"])
                     for e in await access_log(system, tokens, limit="1000")
                     if since <= datetime.fromisoformat(e["at"]) < until)
    expected = [{"role": role, "purpose": purpose, "granted": logged[(role, purpose, True)],
                 "refused": logged[(role, purpose, False)]}
                for role, purpose in sorted({(role, purpose) for role, purpose, _ in logged})]
    assert counted.json()["counts"] == expected
    assert {"role": "caseworker", "purpose": "assistance_planning", "granted": 2,
            "refused": 1} in expected


async def test_the_access_counts_are_the_auditors_and_need_a_span(
        system: CasesSystem, tokens: Tokens) -> None:
    span = {"since": "2026-04-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}

    backwards = await system.http.get("/access-log/counts", params=span, headers={
        "Authorization": f"Bearer {tokens.auditor}"})
    caseworker = await system.http.get("/access-log/counts", params={
        **span, "since": "2025-01-01T00:00:00Z"}, headers={
        "Authorization": f"Bearer {tokens.caseworker}"})

    assert backwards.status_code == 422
    assert caseworker.status_code == 403


async def test_an_unknown_case_is_a_404_that_is_logged_like_a_refusal(
        system: CasesSystem, tokens: Tokens) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"

    missing = await system.get(f"/cases/{unknown}", tokens.caseworker)

    assert missing.status_code == 404
    assert (await access_log(system, tokens, object_ref=unknown))[0]["granted"] is False
