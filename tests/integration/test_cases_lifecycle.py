"""A case's lifecycle through the HTTP API, on the real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.cases.system import (
    A_GOAL,
    CasesSystem,
    agreement_feed,
    cases_system,
    replicated,
)
from tests.support import Infrastructure, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


@pytest.fixture(scope="module")
async def agreement(system: CasesSystem) -> AsyncIterator[str]:
    async with agreement_feed(system) as feed:
        agreement_id = await feed.signed_agreement(capacity=1000)
        await replicated(system, agreement_id, feed.versions[agreement_id])
        yield str(agreement_id)


class Case:
    """A case under test: its id, and commands that remember the answer."""

    def __init__(self, system: CasesSystem, token: str, body: dict[str, Any]) -> None:
        self.system, self.token, self.body = system, token, body

    @property
    def id(self) -> str:
        return str(self.body["id"])

    async def do(self, path: str, body: dict[str, Any], **headers: str) -> Any:
        response = await self.system.post(f"/cases/{self.id}{path}", self.token, body,
                                          **headers)
        if response.status_code in (200, 201):
            self.body = response.json()
        return response

    async def read(self, query: str = "") -> Any:
        return await self.system.get(f"/cases/{self.id}{query}", self.token)


async def a_case(system: CasesSystem, tokens: Tokens, **changes: Any) -> Case:
    return Case(system, tokens.caseworker, await system.new_case(tokens.caseworker, **changes))


async def with_service(case: Case, agreement: str) -> str:
    assigned = await case.do("/services", {"agreement_id": agreement, "units_planned": 40,
                                           "start_date": "2026-02-09"})
    assert assigned.status_code == 201, assigned.text
    return str(assigned.headers["location"].rsplit("/", 1)[1])


async def with_goal(case: Case, **changes: Any) -> str:
    set_ = await case.do("/goals", {**A_GOAL, **changes})
    assert set_.status_code == 201, set_.text
    return str(set_.headers["location"].rsplit("/", 1)[1])


async def test_registering_a_client_answers_with_the_pseudonym_and_keeps_the_data_sealed(
        system: CasesSystem, tokens: Tokens) -> None:
    registered = await system.post("/clients", tokens.caseworker, {
        "name": "Erika Mustermann", "birth_date": "2009-05-17", "gender_category": "female",
        "address": "Hauptstraße 1, 12345 Musterstadt"})
    read = await system.get(registered.headers["location"], tokens.caseworker)

    assert registered.status_code == 201
    assert registered.json()["pseudonym"].startswith("p-")
    assert registered.json()["personal_data"] is None
    assert (registered.json()["team"], registered.json()["gender_category"]) == (
        "asd-nord", "female")
    assert read.json()["personal_data"] == {"name": "Erika Mustermann",
                                            "birth_date": "2009-05-17",
                                            "address": "Hauptstraße 1, 12345 Musterstadt"}
    assert read.headers["etag"] == '"1"'


async def test_opening_a_case_derives_the_pseudonym_and_the_age_band_from_the_client(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker, birth_date="2009-05-17")

    case = await system.new_case(tokens.caseworker, client["id"], occurred_on="2026-02-02")
    history = await system.get(f"/cases/{case['id']}/history", tokens.caseworker)

    assert (case["client_pseudonym"], case["age_band"], case["team"]) == (
        client["pseudonym"], "14-17", "asd-nord")
    assert case["reentry"] is False
    assert "2009" not in str(history.json())


async def test_a_case_opened_within_twelve_months_after_a_closure_is_a_reentry(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    first = await a_case(system, tokens, client_id=client["id"], occurred_on="2025-01-06")
    await first.do("/closure", {"reason": "planned_goals_achieved", "occurred_on": "2025-03-03"})

    again = await system.new_case(tokens.caseworker, client["id"], occurred_on="2026-03-03")
    later = await system.new_case(tokens.caseworker, client["id"], occurred_on="2026-03-04")
    other = await system.new_case(tokens.caseworker, occurred_on="2026-03-03")

    assert first.body["reentry"] is False
    assert again["reentry"] is True
    assert later["reentry"] is False  # 12 months and a day after the closure
    assert other["reentry"] is False


async def test_the_t_score_is_that_of_the_latest_review_of_each_goal_weighted(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    heavy = await with_goal(case, weight=2)
    light = await with_goal(case, title="Wohnung halten")
    assert case.body["gas_t_score"] is None

    await case.do(f"/goals/{heavy}/reviews", {"level": 2})
    await case.do(f"/goals/{heavy}/reviews", {"level": 1, "note": "etwas nachgelassen"})
    await case.do(f"/goals/{light}/reviews", {"level": -1})

    # (w=2, x=+1), (w=1, x=-1): Σwx = 1, Σw² = 5, (Σw)² = 9
    # T = 50 + 10·1/sqrt(0.7·5 + 0.3·9) = 50 + 10/sqrt(6.2) = 54.016097
    read = (await case.read()).json()
    assert read["gas_t_score"] == pytest.approx(54.016097)
    assert read["share_of_goals_at_or_above_expected"] == pytest.approx(0.5)
    assert {goal["id"]: goal["reviewed_levels"] for goal in read["goals"]} == {
        heavy: [2, 1], light: [-1]}


async def test_three_unweighted_goals_score_as_computed_by_hand(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    for level in (0, 1, 2):
        goal = await with_goal(case, title=f"Ziel {level}")
        await case.do(f"/goals/{goal}/reviews", {"level": level})

    # Σwx = 3, Σw² = 3, (Σw)² = 9 → T = 50 + 30/sqrt(2.1 + 2.7) = 63.693064
    assert (await case.read()).json()["gas_t_score"] == pytest.approx(63.693064)


async def test_each_event_records_the_caseworker_and_the_day_it_happened_apart_from_recording(
        system: CasesSystem, tokens: Tokens, agreement: str) -> None:
    case = await a_case(system, tokens, occurred_on="2026-01-05")
    await case.do("/assessment", {"summary": "Schulabsentismus", "occurred_on": "2026-01-12"})
    goal = await with_goal(case, occurred_on="2026-01-19")
    service = await with_service(case, agreement)
    await case.do(f"/services/{service}/deliveries", {"period": "2026-Q1", "units": "12.5"})
    await case.do(f"/goals/{goal}/reviews", {"level": 1, "occurred_on": "2026-03-30"})
    await case.do("/closure", {"reason": "planned_partially", "occurred_on": "2026-04-01"})
    await case.do("/reopening", {"reason": "Rückfall", "occurred_on": "2026-04-20"})

    history = (await system.get(f"/cases/{case.id}/history", tokens.caseworker)).json()

    assert [entry["type"] for entry in history] == [
        "Case.Opened", "Case.Assessed", "Case.GoalSet", "Case.ServiceAssigned",
        "Case.DeliveryRecorded", "Case.GoalReviewed", "Case.Closed", "Case.Reopened"]
    assert [entry["version"] for entry in history] == list(range(1, 9))
    assert {entry["actor"] for entry in history} == {"cw-1"}
    assert [entry["occurred_on"] for entry in history][:3] == [
        "2026-01-05", "2026-01-12", "2026-01-19"]
    assert history[4]["occurred_on"] == date.today().isoformat()  # left out: today
    recorded = datetime.fromisoformat(history[0]["recorded_at"])
    assert abs((datetime.now(UTC) - recorded).total_seconds()) < 120
    assert history[1]["data"] == {"summary": "Schulabsentismus"}


async def test_closing_a_case_ends_its_running_services(
        system: CasesSystem, tokens: Tokens, agreement: str) -> None:
    case = await a_case(system, tokens)
    service = await with_service(case, agreement)

    closed = await case.do("/closure", {"reason": "dropped_out", "occurred_on": "2026-05-04"})

    [ended] = closed.json()["services"]
    assert (ended["id"], ended["running"], ended["ended_on"]) == (service, False, "2026-05-04")
    assert (closed.json()["status"], closed.json()["closure_reason"]) == ("closed",
                                                                         "dropped_out")


@pytest.mark.parametrize(("path", "body"), [
    ("/assessment", {"summary": "noch einmal"}),
    ("/goals", A_GOAL),
    ("/goals/{goal}/reviews", {"level": 0}),
    ("/services", {"agreement_id": "{agreement}", "units_planned": 1,
                   "start_date": "2026-02-09"}),
    ("/services/{service}/deliveries", {"period": "2026-Q2", "units": 1}),
    ("/services/{service}/end", {"reason": "zu spät"}),
])
async def test_a_closed_case_takes_no_more_help(system: CasesSystem, tokens: Tokens,
                                                agreement: str, path: str,
                                                body: dict[str, Any]) -> None:
    case = await a_case(system, tokens)
    names = {"goal": await with_goal(case), "service": await with_service(case, agreement),
             "agreement": agreement}
    await case.do("/closure", {"reason": "transferred"})

    refused = await case.do(path.format(**names),
                            {k: str(v).format(**names) if k == "agreement_id" else v
                             for k, v in body.items()})

    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "case_not_open"


async def test_a_case_closes_once_and_reopens_only_when_closed(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)

    not_closed = await case.do("/reopening", {"reason": "irrtümlich"})
    await case.do("/closure", {"reason": "moved"})
    closed_twice = await case.do("/closure", {"reason": "moved"})
    reopened = await case.do("/reopening", {"reason": "zurückgezogen"})

    assert not_closed.json()["rule"] == "case_not_closed"
    assert closed_twice.json()["rule"] == "case_already_closed"
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["closed_on"]) == ("open", None)


async def test_services_take_deliveries_until_they_end(
        system: CasesSystem, tokens: Tokens, agreement: str) -> None:
    case = await a_case(system, tokens)
    service = await with_service(case, agreement)

    await case.do(f"/services/{service}/deliveries", {"period": "2026-Q1", "units": 10})
    delivered = await case.do(f"/services/{service}/deliveries",
                              {"period": "2026-03", "units": "2.5"})
    await case.do(f"/services/{service}/end", {"reason": "Ziel erreicht"})
    after_end = await case.do(f"/services/{service}/deliveries",
                              {"period": "2026-Q2", "units": 1})
    ended_twice = await case.do(f"/services/{service}/end", {"reason": "nochmal"})
    unknown = await case.do(f"/services/{case.id}/deliveries", {"period": "2026-Q2",
                                                                "units": 1})

    assert delivered.json()["services"][0]["units_delivered"] == "12.5"
    assert after_end.json()["rule"] == ended_twice.json()["rule"] == "service_already_ended"
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "service_not_assigned")


async def test_only_a_goal_set_on_the_case_can_be_reviewed(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)

    refused = await case.do(f"/goals/{case.id}/reviews", {"level": 1})

    assert (refused.status_code, refused.json()["rule"]) == (404, "goal_unknown")


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
                                  "/services/{goal}/end", "/closure", "/reopening"])
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
