"""The case page's details, and revising a case after the fact: a goal withdrawn, a delivery
reversed, the case handed over. Through the HTTP API, on the real PostgreSQL and broker."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.cases.scenario import Case, a_case, with_goal, with_service
from tests.cases.system import CasesSystem, agreement_feed, cases_system, replicated_agreement
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


def goal_of(case: Case, goal_id: str) -> dict[str, Any]:
    goals: list[dict[str, Any]] = case.body["goals"]
    [goal] = [goal for goal in goals if goal["id"] == goal_id]
    return goal


async def history_of(system: CasesSystem, token: str, case_id: str) -> list[dict[str, Any]]:
    response = await system.get(f"/cases/{case_id}/history", token)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


async def test_the_case_page_shows_the_assessment_reviews_deliveries_and_t_score_history(
        system: CasesSystem, tokens: Tokens, agreement: str) -> None:
    case = await a_case(system, tokens)
    await case.do("/assessment", {"summary": "Schulabsentismus seit Herbst"})
    school = await with_goal(case, weight=2, occurred_on="2026-02-03")
    housing = await with_goal(case, title="Wohnung halten")
    await case.do(f"/goals/{school}/reviews", {"level": -2, "note": "fehlt oft",
                                               "occurred_on": "2026-03-02"})
    await case.do(f"/goals/{housing}/reviews", {"level": -1, "occurred_on": "2026-03-10"})
    await case.do(f"/goals/{school}/reviews", {"level": 1, "occurred_on": "2026-03-20"})
    service = await with_service(case, agreement)
    await case.do(f"/services/{service}/deliveries", {"period": "2026-Q1", "units": "12.5",
                                                      "occurred_on": "2026-03-31"})

    page = (await case.read()).json()

    assert page["assessment_summary"] == "Schulabsentismus seit Herbst"
    assert goal_of(case, school)["set_on"] == "2026-02-03"
    assert [g["reviews"] for g in page["goals"] if g["id"] == school] == [[
        {"level": -2, "note": "fehlt oft", "occurred_on": "2026-03-02"},
        {"level": 1, "note": "", "occurred_on": "2026-03-20"}]]
    assert (goal_of(case, school)["withdrawn"], goal_of(case, school)["withdrawal_reason"]) == (
        False, None)
    [delivery] = page["services"][0]["deliveries"]
    assert {k: v for k, v in delivery.items() if k != "delivery_id"} == {
        "period": "2026-Q1", "units": "12.5", "occurred_on": "2026-03-31", "reversed": False,
        "reversed_on": None, "reversal_reason": None}
    # school -2 (w2) alone: 30; with housing -1: 50 - 50/sqrt(6.2); school +1: 50 + 10/sqrt(6.2)
    assert [point["occurred_on"] for point in page["t_score_history"]] == [
        "2026-03-02", "2026-03-10", "2026-03-20"]
    assert [point["t_score"] for point in page["t_score_history"]] == pytest.approx(
        [30.0, 50 - 50 / math.sqrt(6.2), 50 + 10 / math.sqrt(6.2)])
    assert page["gas_t_score"] == pytest.approx(50 + 10 / math.sqrt(6.2))


async def test_a_withdrawn_goal_no_longer_counts_and_takes_no_more_reviews(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)
    school = await with_goal(case, weight=2)
    housing = await with_goal(case, title="Wohnung halten")
    await case.do(f"/goals/{school}/reviews", {"level": 1})
    await case.do(f"/goals/{housing}/reviews", {"level": -1})
    read = await case.read()

    withdrawn = await case.do(f"/goals/{housing}/withdrawal",
                              {"reason": "gehört zum Fall der Mutter",
                               "occurred_on": "2026-04-01"}, **{"If-Match": read.headers["etag"]})
    review = await case.do(f"/goals/{housing}/reviews", {"level": 0})
    again = await case.do(f"/goals/{housing}/withdrawal", {"reason": "nochmal"})
    unknown = await case.do(f"/goals/{case.id}/withdrawal", {"reason": "x"})
    no_reason = await case.do(f"/goals/{school}/withdrawal", {"reason": ""})

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.headers["etag"] == f'"{read.json()["version"] + 1}"'
    # Only school counts: 50 + 10 * 2 / sqrt(0.7 * 4 + 0.3 * 4) = 60
    assert (withdrawn.json()["gas_t_score"], withdrawn.json()["share_of_goals_at_or_above_expected"]
            ) == (pytest.approx(60.0), 1.0)
    assert {k: goal_of(case, housing)[k] for k in (
        "withdrawn", "withdrawn_on", "withdrawal_reason", "reviewed_levels")} == {
        "withdrawn": True, "withdrawn_on": "2026-04-01",
        "withdrawal_reason": "gehört zum Fall der Mutter", "reviewed_levels": [-1]}
    assert (review.status_code, review.json()["rule"]) == (409, "goal_withdrawn")
    assert (again.status_code, again.json()["rule"]) == (409, "goal_withdrawn")
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "goal_unknown")
    assert no_reason.status_code == 422
    last = (await history_of(system, tokens.caseworker, case.id))[-1]
    assert (last["type"], last["data"]) == (
        "Case.GoalWithdrawn", {"goal_id": housing, "reason": "gehört zum Fall der Mutter"})


async def test_a_reversed_delivery_no_longer_counts_and_is_reversed_once(
        system: CasesSystem, tokens: Tokens, agreement: str) -> None:
    case = await a_case(system, tokens)
    service = await with_service(case, agreement)
    await case.do(f"/services/{service}/deliveries", {"period": "2026-03", "units": 10})
    await case.do(f"/services/{service}/deliveries", {"period": "2026-Q1", "units": "2.5"})
    wrong = case.body["services"][0]["deliveries"][0]["delivery_id"]
    path = f"/services/{service}/deliveries/{wrong}/reversal"
    await case.do(f"/services/{service}/end", {"reason": "Hilfe beendet"})
    stale = await case.do(path, {"reason": "beim falschen Fall erfasst"}, **{"If-Match": '"1"'})

    reversed_ = await case.do(path, {"reason": "beim falschen Fall erfasst"},
                              **{"Idempotency-Key": f"reverse-{wrong}"})
    retried = await case.do(path, {"reason": "beim falschen Fall erfasst"},
                            **{"Idempotency-Key": f"reverse-{wrong}"})
    twice = await case.do(path, {"reason": "nochmal"})
    unknown = await case.do(f"/services/{service}/deliveries/{service}/reversal",
                            {"reason": "x"})

    assert (stale.status_code, stale.json()["rule"]) == (409, "expected_version")
    assert reversed_.status_code == 200, reversed_.text
    [ended] = reversed_.json()["services"]
    assert ended["units_delivered"] == "2.5"
    assert [(d["delivery_id"] == wrong, d["reversed"], d["reversal_reason"])
            for d in ended["deliveries"]] == [(True, True, "beim falschen Fall erfasst"),
                                              (False, False, None)]
    assert retried.headers["idempotent-replayed"] == "true"
    assert (twice.status_code, twice.json()["rule"]) == (409, "delivery_already_reversed")
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "delivery_unknown")
    last = (await history_of(system, tokens.caseworker, case.id))[-1]
    assert (last["type"], last["data"]["units"], last["data"]["period"]) == (
        "Case.DeliveryReversed", 10, "2026-03")


async def test_a_handed_over_case_and_its_client_move_to_the_other_team(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    case = await a_case(system, tokens, client_id=client["id"], district="Hafenviertel")
    await case.do("/assessment", {"summary": "Schulabsentismus"})
    read = await case.read()

    handed = await case.do("/handover", {"team": "asd-sued", "reason": "Umzug nach Süd"},
                           **{"If-Match": read.headers["etag"]})

    assert handed.status_code == 200, handed.text
    assert handed.json()["team"] == "asd-sued"
    nord, sued = tokens.caseworker, tokens.other_caseworker
    assert (await system.get(f"/cases/{case.id}", nord)).status_code == 404
    assert (await system.get(f"/clients/{client['id']}", nord)).status_code == 404
    assert (await case.do("/assessment", {"summary": "noch da?"})).status_code == 404
    assert (await system.get(f"/cases/{case.id}", sued)).json()["team"] == "asd-sued"
    assert (await system.get(f"/clients/{client['id']}", sued)).json()["personal_data"][
        "name"] == "Erika Mustermann"
    history = await history_of(system, sued, case.id)
    assert [entry["type"] for entry in history] == ["Case.Opened", "Case.Assessed",
                                                    "Case.HandedOver"]
    assert history[-1]["data"] == {"from_team": "asd-nord", "to_team": "asd-sued",
                                   "reason": "Umzug nach Süd"}
    listed = {team: {item["id"] for item in (await system.get(
        "/cases?district=Hafenviertel", token)).json()["items"]} for team, token in (
        ("nord", nord), ("sued", sued))}
    assert listed == {"nord": set(), "sued": {case.id}}
    log = (await system.http.get("/access-log", params={"object_ref": case.id}, headers={
        "Authorization": f"Bearer {tokens.auditor}"})).json()
    assert [(e["subject"], e["object_type"], e["granted"]) for e in log
            if e["object_type"] == "case_handover"] == [("cw-1", "case_handover", True)]


async def test_a_client_with_another_case_in_the_old_team_stays_visible_to_it(
        system: CasesSystem, tokens: Tokens) -> None:
    client = await system.new_client(tokens.caseworker)
    handed = await a_case(system, tokens, client_id=client["id"])
    await a_case(system, tokens, client_id=client["id"], field_of_action="soziales")

    await handed.do("/handover", {"team": "asd-sued", "reason": "Zuständigkeit"})

    for token in (tokens.caseworker, tokens.other_caseworker):
        assert (await system.get(f"/clients/{client['id']}", token)).status_code == 200


async def test_a_case_is_handed_over_to_another_team_only_and_by_a_caseworker_only(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await a_case(system, tokens)

    own = await case.do("/handover", {"team": "asd-nord", "reason": "x"})
    blank = await case.do("/handover", {"team": "  ", "reason": "x"})
    audited = await system.post(f"/cases/{case.id}/handover", tokens.auditor,
                                {"team": "asd-sued", "reason": "x"})
    await case.do("/closure", {"reason": "moved"})
    closed = await case.do("/handover", {"team": "asd-sued", "reason": "x"})

    assert (own.status_code, own.json()["rule"]) == (409, "handover_to_own_team")
    assert blank.status_code == 422
    assert audited.status_code == 403
    assert (closed.status_code, closed.json()["rule"]) == (409, "case_not_open")
    assert (await case.read()).json()["team"] == "asd-nord"
