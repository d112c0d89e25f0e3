"""The cases API's conventions: unknown fields, invalid values, If-Match, Idempotency-Key,
time travel, lists, auditors and the ways to name a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.cases.scenario import a_case, with_goal
from tests.cases.system import A_GOAL, CasesSystem, cases_system
from tests.support import Infrastructure, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


@pytest.mark.parametrize(("path", "body", "rule"), [
    ("/goals", {**A_GOAL, "levels": {"-1": "a", "0": "b", "1": "c", "2": "d"}},
     "goal_needs_five_levels"),
    ("/goals", {**A_GOAL, "levels": {**A_GOAL["levels"], "0": " "}}, "goal_needs_five_levels"),
    ("/goals", {**A_GOAL, "weight": 0}, None),
    ("/goals", {**A_GOAL, "baseline": 3}, None),
    ("/goals/{goal}/reviews", {"level": -3}, None),
    ("/closure", {"reason": "fertig"}, None),
    ("/services/{goal}/deliveries", {"period": "2026-Q5", "units": 1}, None),
    ("/services/{goal}/deliveries", {"period": "2026-Q1", "units": 0}, None),
    ("/assessment", {"summary": ""}, None),
])
async def test_invalid_values_are_refused_as_unprocessable(
        system: CasesSystem, tokens: Tokens, path: str, body: dict[str, Any],
        rule: str | None) -> None:
    case = await a_case(system, tokens)
    goal = await with_goal(case)

    refused = await case.do(path.format(goal=goal), body)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json().get("rule") == rule


@pytest.mark.parametrize("path", ["/assessment", "/goals", "/goals/{goal}/reviews",
                                  "/services", "/services/{goal}/deliveries",
                                  "/services/{goal}/end", "/closure", "/reopening",
                                  "/goals/{goal}/withdrawal",
                                  "/services/{goal}/deliveries/{goal}/reversal", "/handover"])
async def test_an_unknown_field_in_a_command_is_refused(
        system: CasesSystem, tokens: Tokens, path: str) -> None:
    case = await a_case(system, tokens)
    goal = await with_goal(case)

    refused = await case.do(path.format(goal=goal), {"reason": "x", "summary": "x",
                                                     "level": 0, "hacked": True})

    assert refused.status_code == 422
    assert any(error["loc"][-1] == "hacked" for error in refused.json()["errors"])


async def test_unknown_fields_are_refused_when_registering_and_opening_too(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.post("/clients", tokens.caseworker, {
        "name": "A", "birth_date": "2000-01-01", "address": "B", "religion": "keine"})
    case = await system.post("/cases", tokens.caseworker, {
        "client_pseudonym": "p-x", "age_band": "18-26", "field_of_action": "jugend",
        "district": "Nordstadt", "legal_basis": "SGB VIII §27", "birth_date": "2000-01-01"})

    assert (client.status_code, case.status_code) == (422, 422)


async def test_a_command_on_a_stale_version_is_refused_and_on_the_current_one_accepted(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    read = await case.read()

    current = await case.do("/assessment", {"summary": "erste"},
                            **{"If-Match": read.headers["etag"]})
    stale = await case.do("/assessment", {"summary": "zweite"},
                          **{"If-Match": read.headers["etag"]})

    assert read.headers["etag"] == '"1"'
    assert (current.status_code, current.headers["etag"]) == (200, '"2"')
    assert (stale.status_code, stale.json()["rule"]) == (409, "expected_version")
    assert (await case.read()).json()["version"] == 2


async def test_a_retried_command_is_answered_once(system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)

    first = await case.do("/goals", A_GOAL, **{"Idempotency-Key": f"goal-{case.id}"})
    retry = await case.do("/goals", A_GOAL, **{"Idempotency-Key": f"goal-{case.id}"})

    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == first.headers["location"]
    assert len((await case.read()).json()["goals"]) == 1


async def test_a_case_reads_as_it_was_at_a_version_or_a_moment(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    moment = datetime.now(UTC).isoformat()
    await with_goal(case)
    await case.do("/closure", {"reason": "moved"})

    at_version = await case.read("?version=2")
    at_moment = await system.http.get(f"/cases/{case.id}", params={"as_of": moment},
                                      headers={"Authorization": f"Bearer {tokens.caseworker}"})
    both = await case.read("?version=1&as_of=2026-01-01T00:00:00Z")
    missing = await case.read("?version=9")

    assert (at_version.json()["status"], len(at_version.json()["goals"])) == ("open", 1)
    assert at_version.headers["etag"] == '"2"'
    assert (at_moment.json()["version"], at_moment.json()["goals"]) == (1, [])
    assert (both.status_code, missing.status_code) == (400, 404)


async def test_caseworkers_list_their_teams_cases_and_auditors_everyones(
        system: CasesSystem, tokens: Tokens) -> None:
    ours = await a_case(system, tokens, field_of_action="gesundheit", district="Hafen")
    await ours.do("/closure", {"reason": "moved"})
    theirs = await system.new_case(tokens.other_caseworker, field_of_action="gesundheit",
                                   district="Hafen")

    def ids(response: Any) -> set[str]:
        return {item["id"] for item in response.json()["items"]}

    mine = await system.get("/cases?field_of_action=gesundheit&district=Hafen",
                            tokens.caseworker)
    audited = await system.get("/cases?field_of_action=gesundheit&district=Hafen",
                               tokens.auditor)
    closed = await system.get("/cases?status=closed&district=Hafen", tokens.auditor)
    open_ = await system.get("/cases?status=open&district=Hafen", tokens.auditor)
    page = await system.get("/cases?district=Hafen&limit=1&offset=1", tokens.auditor)

    assert ids(mine) == {ours.id}
    assert ids(audited) == {ours.id, theirs["id"]}
    assert (ids(closed), ids(open_)) == ({ours.id}, {theirs["id"]})
    assert (page.json()["total"], len(page.json()["items"])) == (2, 1)


async def test_auditors_read_cases_and_pseudonyms_but_change_nothing(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    client_id = (await system.new_client(tokens.caseworker))["id"]

    read = await system.get(f"/cases/{case.id}", tokens.auditor)
    client = await system.get(f"/clients/{client_id}", tokens.auditor)
    changed = await system.post(f"/cases/{case.id}/assessment", tokens.auditor,
                                {"summary": "x"})
    registered = await system.post("/clients", tokens.auditor,
                                   {"name": "A", "birth_date": "2000-01-01", "address": "B"})

    assert read.status_code == 200
    assert client.status_code == 200
    assert client.json()["personal_data"] is None
    assert client.json()["pseudonym"].startswith("p-")
    assert (changed.status_code, registered.status_code) == (403, 403)


async def test_a_client_known_only_by_pseudonym_opens_with_an_age_band(
        system: CasesSystem, tokens: Tokens) -> None:
    registered = await system.new_client(tokens.caseworker)
    base = {"field_of_action": "jugend", "district": "Nordstadt",
            "legal_basis": "SGB VIII §27"}

    anonymous = await system.post("/cases", tokens.caseworker,
                                  {**base, "client_pseudonym": "p-anonym", "age_band": "65+"})
    taken = await system.post("/cases", tokens.caseworker, {
        **base, "client_pseudonym": registered["pseudonym"], "age_band": "65+"})
    both = await system.post("/cases", tokens.caseworker, {
        **base, "client_id": registered["id"], "client_pseudonym": "p-x", "age_band": "65+"})
    neither = await system.post("/cases", tokens.caseworker, base)
    no_band = await system.post("/cases", tokens.caseworker,
                                {**base, "client_pseudonym": "p-x"})

    assert (anonymous.status_code, anonymous.json()["age_band"]) == (201, "65+")
    assert (taken.status_code, taken.json()["rule"]) == (409, "client_registered")
    assert {both.status_code, neither.status_code, no_band.status_code} == {422}


async def test_caseworkers_open_cases_for_their_own_team_only(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)

    other_team = await system.post("/cases", tokens.caseworker, {
        "client_id": client["id"], "field_of_action": "jugend", "district": "Nordstadt",
        "legal_basis": "SGB VIII §27", "team": "asd-sued"})

    assert other_team.status_code == 403
