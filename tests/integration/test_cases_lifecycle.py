"""A case's lifecycle through the HTTP API, on the real PostgreSQL and broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.cases.scenario import a_case, with_goal, with_service
from tests.cases.system import (
    A_GOAL,
    CasesSystem,
    agreement_feed,
    cases_system,
    replicated_agreement,
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
        yield str(await replicated_agreement(system, feed, capacity=1000))


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
