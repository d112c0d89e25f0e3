"""The caseworker's work list (Fristen), the counts and the case list's filters, as of the
service's today. Each test works in a team of its own, so it sees only its own cases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from shared.auth import Role, mint_token
from tests.cases.system import A_GOAL, CasesSystem, agreement_feed, cases_system, replicated
from tests.support import Infrastructure, Tokens, bearer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TODAY = date(2026, 9, 30)


def day(offset: int) -> str:
    """The day `offset` days from the service's today."""
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret, today=TODAY) as running:
        yield running


@dataclass
class Team:
    """A caseworker of a team no other test uses."""

    system: CasesSystem
    name: str
    token: str

    async def case(self, opened: int = -100, *, assessed: bool = True, **changes: Any) -> str:
        case = await self.system.new_case(self.token, occurred_on=day(opened), **changes)
        if assessed:
            await self.do(case["id"], "/assessment",
                          {"summary": "erfasst", "occurred_on": day(opened)})
        return str(case["id"])

    async def do(self, case_id: str, path: str, body: dict[str, Any]) -> Any:
        response = await self.system.post(f"/cases/{case_id}{path}", self.token, body)
        assert response.status_code in (200, 201), response.text
        return response

    async def goal(self, case_id: str, set_on: int, *reviews: int) -> str:
        set_ = await self.do(case_id, "/goals", {**A_GOAL, "occurred_on": day(set_on)})
        goal_id = str(set_.headers["location"].rsplit("/", 1)[1])
        for reviewed_on in reviews:
            await self.do(case_id, f"/goals/{goal_id}/reviews",
                          {"level": 0, "occurred_on": day(reviewed_on)})
        return goal_id

    async def get(self, path: str) -> Any:
        response = await self.system.get(path, self.token)
        assert response.status_code == 200, response.text
        return response.json()

    async def work(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.get("/work-list"))["items"]
        return items

    async def listed(self, query: str) -> list[str]:
        return [item["id"] for item in (await self.get(f"/cases?{query}"))["items"]]


@pytest.fixture
def team(system: CasesSystem, secret: str) -> Team:
    name = f"team-{uuid.uuid4().hex[:8]}"
    return Team(system, name, mint_token(secret, role=Role.CASEWORKER, subject="cw-t",
                                         team=name))


async def test_a_withdrawn_goal_is_no_longer_due_for_review(team: Team) -> None:
    case = await team.case(-300)
    withdrawn = await team.goal(case, -250)
    kept = await team.goal(case, -250)

    await team.do(case, f"/goals/{withdrawn}/withdrawal", {"reason": "falsch gesetzt"})

    assert [(item["kind"], item.get("goal_id")) for item in await team.work()] == [
        ("review", kept)]
    assert (await team.get("/cases/counts"))["reviews_due"] == 1


async def test_a_handed_over_case_is_on_the_new_teams_work_list_only(
        team: Team, system: CasesSystem, secret: str) -> None:
    case = await team.case(-20, assessed=False)
    name = f"team-{uuid.uuid4().hex[:8]}"
    other = Team(system, name, mint_token(secret, role=Role.CASEWORKER, subject="cw-o",
                                          team=name))

    await team.do(case, "/handover", {"team": other.name, "reason": "Zuständigkeit"})

    assert await team.work() == []
    assert [item["case_id"] for item in await other.work()] == [case]
    assert (await other.get("/cases/counts"))["without_assessment"] == 1


async def test_an_assessment_is_due_the_days_allowed_after_the_opening(team: Team) -> None:
    due = await team.case(-20, assessed=False)
    due_today = await team.case(-14, assessed=False)
    await team.case(-13, assessed=False)
    await team.case(-200)
    closed = await team.case(-30, assessed=False)
    await team.do(closed, "/closure", {"reason": "moved", "occurred_on": day(-1)})

    work = await team.work()

    assert [(item["kind"], item["case_id"], item["due_on"], item["days_overdue"])
            for item in work] == [("assessment", due, day(-6), 6),
                                  ("assessment", due_today, day(0), 0)]
    assert {"goal_id", "service_id", "agreement_id"}.isdisjoint(work[0])


async def test_a_goal_is_due_for_review_an_interval_after_its_last_review_or_its_setting(
        team: Team) -> None:
    case = await team.case(-500, district="Hafen")
    never_reviewed = await team.goal(case, -182)
    await team.goal(case, -181)
    await team.goal(case, -300, -100)
    reviewed_long_ago = await team.goal(case, -400, -300, -200)

    work = await team.work()

    assert [(item["kind"], item.get("goal_id"), item["days_overdue"]) for item in work] == [
        ("review", reviewed_long_ago, 18), ("review", never_reviewed, 0)]
    assert (work[0]["case_id"], work[0]["district"], work[0]["field_of_action"]) == (
        case, "Hafen", "jugend")
    assert work[0]["client_pseudonym"].startswith("p-")


async def test_a_running_service_is_listed_from_the_days_before_its_end(
        system: CasesSystem, team: Team) -> None:
    async with agreement_feed(system) as feed:
        agreement = await feed.signed_agreement(capacity=10)
        ending = await feed.signed_agreement(capacity=10)
        await feed.terminate(ending, on=date.fromisoformat(day(10)))
        await replicated(system, ending, feed.versions[ending])
        await replicated(system, agreement, feed.versions[agreement])
    case = await team.case(-200)

    async def service(under: uuid.UUID, end_date: str | None) -> str:
        assigned = await team.do(case, "/services", {
            "agreement_id": str(under), "units_planned": 10, "start_date": "2026-03-02",
            "end_date": end_date})
        return str(assigned.headers["location"].rsplit("/", 1)[1])

    in_30_days = await service(agreement, day(30))
    await service(agreement, day(31))
    await service(agreement, None)  # the agreement's term ends on 31 December: 92 days on
    overdue = await service(agreement, day(-3))
    by_termination = await service(ending, day(60))
    ended = await service(agreement, day(5))
    await team.do(case, f"/services/{ended}/end", {"reason": "abgebrochen"})

    work = await team.work()

    assert [(item["kind"], item["service_id"], item["due_on"], item["days_overdue"])
            for item in work] == [("service_ending", overdue, day(-3), 3),
                                  ("service_ending", by_termination, day(9), -9),
                                  ("service_ending", in_30_days, day(30), -30)]
    assert work[0]["agreement_id"] == str(agreement)
    read = await team.get(f"/cases/{case}/services/{in_30_days}")
    assert read["end_date"] == day(30)


async def test_a_planned_end_before_the_start_is_refused(team: Team) -> None:
    case = await team.case()

    refused = await team.system.post(f"/cases/{case}/services", team.token, {
        "agreement_id": str(uuid.uuid4()), "units_planned": 1, "start_date": day(0),
        "end_date": day(-1)})

    assert (refused.status_code, refused.json()["rule"]) == (422, "service_end_before_start")


async def test_the_work_list_is_the_callers_teams_and_its_reading_is_logged(
        system: CasesSystem, team: Team, tokens: Tokens) -> None:
    ours = await team.case(-30, assessed=False)

    mine = await team.get("/work-list")
    theirs = await system.get("/work-list", tokens.other_caseworker)
    audited = await system.get("/work-list", tokens.auditor)
    log = await system.http.get("/access-log", params={"object_ref": f"team:{team.name}"},
                                headers=bearer(tokens.auditor))

    assert [item["case_id"] for item in mine["items"]] == [ours]
    assert (mine["review_interval_days"], mine["assessment_within_days"],
            mine["ending_within_days"]) == (182, 14, 30)
    assert ours not in {item["case_id"] for item in theirs.json()["items"]}
    assert audited.status_code == 403
    assert [(entry["object_type"], entry["subject"], entry["granted"])
            for entry in log.json()] == [("work_list", "cw-t", True)]


async def test_the_counts_are_of_the_teams_open_cases_and_their_due_work(team: Team) -> None:
    await team.case(-5, assessed=False)
    await team.case(-20, assessed=False)
    reviewed = await team.case(-400)
    await team.goal(reviewed, -300)
    await team.goal(reviewed, -200)
    closed = await team.case(-400, assessed=False)
    await team.do(closed, "/closure", {"reason": "moved", "occurred_on": day(-1)})

    counts = await team.get("/cases/counts")

    assert counts == {"open": 3, "without_assessment": 2, "assessments_due": 1,
                      "reviews_due": 1, "services_ending": 0}


async def test_the_case_list_shows_only_the_cases_due_for_a_reason(team: Team) -> None:
    assessment_due = await team.case(-20, assessed=False)
    recent = await team.case(-2, assessed=False)
    review_due = await team.case(-300)
    await team.goal(review_due, -200)

    assert await team.listed("due=assessment") == [assessment_due]
    assert await team.listed("due=review") == [review_due]
    assert await team.listed("due=service_ending") == []
    assert set(await team.listed("")) == {assessment_due, recent, review_due}
    assert (await team.system.get("/cases?due=soon", team.token)).status_code == 422


async def test_the_case_list_filters_re_entries_and_sorts(team: Team) -> None:
    client = (await team.system.new_client(team.token))["id"]
    first = await team.case(-300, client_id=client, district="Nordstadt")
    await team.do(first, "/closure", {"reason": "planned_goals_achieved",
                                      "occurred_on": day(-200)})
    reentry = await team.case(-100, client_id=client, district="Altstadt")
    middle = await team.case(-150, district="Mitte", field_of_action="arbeit")

    assert await team.listed("reentry=true") == [reentry]
    assert await team.listed("reentry=false") == [middle, first]
    assert await team.listed("") == [reentry, middle, first]
    assert await team.listed("sort=opened_on") == [first, middle, reentry]
    assert await team.listed("sort=district") == [reentry, middle, first]
    assert await team.listed("sort=field_of_action") == [middle, reentry, first]
    assert await team.listed("sort=status") == [reentry, middle, first]
    assert (await team.system.get("/cases?sort=team", team.token)).status_code == 422


async def test_a_step_without_a_date_happened_on_the_services_today(team: Team) -> None:
    """The day a command names none is the clock's the service was built with."""
    case_id = await team.case(assessed=False)

    await team.do(case_id, "/assessment", {"summary": "erfasst ohne Datum"})

    history = await team.get(f"/cases/{case_id}/history")
    assert history[-1]["type"] == "Case.Assessed"
    assert history[-1]["occurred_on"] == TODAY.isoformat()
