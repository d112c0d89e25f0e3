"""The reports of every agreement in scope, across agreements, the most urgent first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from services.agreements.domain.values import ReportingObligation, periods_between
from shared.vocabulary import ReportingFrequency
from tests.agreements.api_support import GOAL, Service, running_service
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration

FIGURES = {"participants": 10, "units_delivered": "20", "expenditure_cents": 100000,
           "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 3,
                         "measured": 5}], "narrative": "Gut gelaufen."}


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret):
        yield running


def months_ago(months: int) -> date:
    """The first day of the month `months` before this one."""
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def labels_between(first: date, last: date,
                   frequency: ReportingFrequency = ReportingFrequency.MONTHLY) -> list[str]:
    obligation = ReportingObligation(due_days=0, frequency=frequency)
    return [p.label for p in periods_between(first, last, obligation)]


async def signed_with(service: Service, provider: dict[str, Any], *, start: date, end: date,
                      frequency: str = "monthly", due_days: int = 0,
                      **overrides: Any) -> dict[str, Any]:
    agreement = await service.draft(
        provider["id"], term_start=start.isoformat(), term_end=end.isoformat(),
        reporting_obligation={"frequency": frequency, "due_days": due_days},
        impact_goals=[GOAL], occurred_on=(start - timedelta(days=40)).isoformat(), **overrides)
    signed = await service.step(agreement["id"], "signature",
                                {"occurred_on": (start - timedelta(days=30)).isoformat()})
    assert signed.status_code == 200, signed.text
    return dict(signed.json())


async def submit(service: Service, agreement: dict[str, Any], period: str) -> None:
    response = await service.client.post(
        f"/agreements/{agreement['id']}/reports", json={"period": period, **FIGURES},
        headers=service.provider_token(agreement["provider_id"]))
    assert response.status_code == 201, response.text


async def review(service: Service, agreement: dict[str, Any], period: str, step: str,
                 body: dict[str, Any] | None = None) -> None:
    response = await service.client.post(
        f"/agreements/{agreement['id']}/reports/{period}/{step}", json=body,
        headers=service.manager)
    assert response.status_code == 200, response.text


async def overview(service: Service, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await service.client.get("/reports", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_reports_are_listed_across_agreements_the_most_urgent_first(
        service: Service) -> None:
    provider = await service.provider(name="Dringlich e.V.")
    late = await signed_with(service, provider, start=months_ago(4), end=months_ago(-8),
                             title="Schulsozialarbeit")
    waiting = await signed_with(service, provider, start=months_ago(2), end=months_ago(-8),
                                due_days=200, title="Jugendtreff")
    first, second, third, fourth = labels_between(months_ago(4), months_ago(1))
    await submit(service, late, first)
    await submit(service, late, second)
    await submit(service, late, third)
    await review(service, late, first, "acceptance")
    await review(service, late, second, "rejection", {"reason": "Belege fehlen"})

    listed = await overview(service, service.provider_token(provider["id"]))

    states = [(item["title"], item["period"], item["status"]) for item in listed["items"]]
    waiting_periods = labels_between(months_ago(2), months_ago(1))
    assert states == [
        ("Schulsozialarbeit", fourth, "overdue"),
        *[("Jugendtreff", period, "due") for period in waiting_periods],
        ("Schulsozialarbeit", second, "rejected"),
        ("Schulsozialarbeit", third, "submitted"),
        ("Schulsozialarbeit", first, "accepted"),
    ]
    overdue, rejected = listed["items"][0], listed["items"][3]
    assert overdue["days_late"] == (date.today() - months_ago(0)).days + 1
    assert overdue["provider_name"] == "Dringlich e.V."
    assert overdue["agreement_id"] == late["id"]
    assert overdue["report_id"] is None
    assert rejected["rejection_reason"] == "Belege fehlen"
    assert rejected["version"] == 2
    assert rejected["revision"] == 1
    assert listed["counts"] == {"overdue": 1, "due": 2, "rejected": 1, "submitted": 1,
                                "accepted": 1}
    assert listed["total"] == 6
    assert waiting["id"] in {item["agreement_id"] for item in listed["items"]}


async def test_the_longest_overdue_comes_first(service: Service) -> None:
    provider = await service.provider(name="Säumig e.V.")
    await signed_with(service, provider, start=months_ago(3), end=months_ago(-3))

    listed = await overview(service, service.manager, provider_id=provider["id"])

    assert [item["period"] for item in listed["items"]] == labels_between(months_ago(3),
                                                                          months_ago(1))
    days = [item["days_late"] for item in listed["items"]]
    assert days == sorted(days, reverse=True)
    assert days[-1] > 0


async def test_a_provider_sees_only_its_own_agreements_reports(service: Service) -> None:
    mine = await service.provider(name="Eigener Träger")
    other = await service.provider(name="Anderer Träger")
    await signed_with(service, mine, start=months_ago(2), end=months_ago(-3))
    theirs = await signed_with(service, other, start=months_ago(2), end=months_ago(-3))

    own = await overview(service, service.provider_token(mine["id"]))
    asked_for_theirs = await overview(service, service.provider_token(mine["id"]),
                                      provider_id=other["id"])
    by_manager = await overview(service, service.manager, limit=500)

    assert {item["provider_id"] for item in own["items"]} == {mine["id"]}
    assert {item["provider_id"] for item in asked_for_theirs["items"]} == {mine["id"]}
    assert theirs["id"] in {item["agreement_id"] for item in by_manager["items"]}


async def test_the_review_queue_is_filtered_by_state_provider_field_and_period(
        service: Service) -> None:
    provider = await service.provider(name="Gefilterter Träger", fields_of_action=["wohnen"])
    start = months_ago(4)
    housing = await signed_with(service, provider, start=start, end=months_ago(-3),
                                field_of_action="wohnen", title="Wohnen")
    periods = labels_between(start, months_ago(1))
    await submit(service, housing, periods[0])
    await submit(service, housing, periods[1])
    await review(service, housing, periods[1], "acceptance")

    queue = await overview(service, service.manager, provider_id=provider["id"],
                           status=["submitted", "overdue"])
    housing_only = await overview(service, service.manager, field_of_action="wohnen",
                                  limit=500)
    youth = await overview(service, service.manager, field_of_action="jugend", limit=500)
    one_month = await overview(service, service.manager, provider_id=provider["id"],
                               period=periods[2])
    its_year = await overview(service, service.manager, provider_id=provider["id"],
                              period=periods[2][:4])

    assert [item["status"] for item in queue["items"]] == ["overdue", "overdue", "submitted"]
    assert queue["total"] == 3
    assert queue["counts"]["accepted"] == 1
    assert housing["id"] in {item["agreement_id"] for item in housing_only["items"]}
    assert housing["id"] not in {item["agreement_id"] for item in youth["items"]}
    assert [item["period"] for item in one_month["items"]] == [periods[2]]
    assert all(item["period"].startswith(periods[2][:4]) for item in its_year["items"])


async def test_a_quarter_finds_the_months_within_it(service: Service) -> None:
    provider = await service.provider(name="Quartalsträger")
    last_year = date.today().year - 1
    await signed_with(service, provider, start=date(last_year, 1, 1),
                      end=date(last_year, 12, 31))
    await signed_with(service, provider, start=date(last_year, 1, 1),
                      end=date(last_year, 12, 31), frequency="quarterly")

    listed = await overview(service, service.manager, provider_id=provider["id"],
                            period=f"{last_year}-Q2")

    assert sorted(item["period"] for item in listed["items"]) == [
        f"{last_year}-04", f"{last_year}-05", f"{last_year}-06", f"{last_year}-Q2"]


@pytest.mark.parametrize("frequency", list(ReportingFrequency))
async def test_the_periods_are_those_of_the_domain(service: Service,
                                                   frequency: ReportingFrequency) -> None:
    provider = await service.provider(name=f"Orakel {frequency.value}")
    start = date(date.today().year - 2, 2, 15)
    end = date.today() + timedelta(days=400)
    agreement = await signed_with(service, provider, start=start, end=end,
                                  frequency=frequency.value, due_days=30)
    terminated = await service.step(agreement["id"], "termination", {
        "termination_date": (date.today() - timedelta(days=100)).isoformat(),
        "reason": "Angebot eingestellt",
        "occurred_on": (date.today() - timedelta(days=120)).isoformat()})
    assert terminated.status_code == 200, terminated.text

    listed = await overview(service, service.manager, provider_id=provider["id"], limit=500)
    per_agreement = await service.client.get(f"/agreements/{agreement['id']}/reports",
                                             headers=service.manager)

    obligation = ReportingObligation(due_days=30, frequency=frequency)
    expected = [p for p in periods_between(start, date.today() - timedelta(days=101),
                                           obligation) if p.end < date.today()]
    assert sorted((item["period"], item["due_on"]) for item in listed["items"]) == sorted(
        (p.label, p.due_on.isoformat()) for p in expected)
    assert [(e["period"], e["due_on"]) for e in per_agreement.json()] == [
        (p.label, p.due_on.isoformat()) for p in expected]


async def test_a_period_that_names_no_days_is_a_422_problem(service: Service) -> None:
    response = await service.client.get("/reports", params={"period": "2026-Q7"},
                                        headers=service.manager)
    wrong_state = await service.client.get("/reports", params={"status": "lost"},
                                           headers=service.manager)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert wrong_state.status_code == 422
