"""Every report check, review and correction, through the HTTP API on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.agreements.api_support import IN_THE_TERM, Service, rule_of, running_service
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration

FIGURES = {"participants": 40, "units_delivered": "300.5", "expenditure_cents": 5800000,
           "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 20,
                         "measured": 30}], "narrative": "Quartal lief gut."}


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret, clock=IN_THE_TERM):
        yield running


async def submit(service: Service, agreement: dict[str, Any], period: str = "2026-Q1",
                 **overrides: Any) -> httpx.Response:
    body = {"period": period, **FIGURES, "occurred_on": "2026-04-20", **overrides}
    return await service.client.post(f"/agreements/{agreement['id']}/reports", json=body,
                                     headers=service.provider_token(agreement["provider_id"]))


async def test_a_provider_submits_and_the_contract_manager_accepts(service: Service) -> None:
    agreement = await service.signed()

    submitted = await submit(service, agreement)
    accepted = await service.client.post(
        f"/agreements/{agreement['id']}/reports/2026-Q1/acceptance", headers=service.manager)

    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["late"] is False
    assert submitted.headers["location"] == f"/agreements/{agreement['id']}/reports/2026-Q1"
    assert accepted.json()["status"] == "accepted"


async def test_a_report_after_its_due_date_is_late(service: Service) -> None:
    agreement = await service.signed()

    response = await submit(service, agreement, occurred_on="2026-05-02")

    assert response.json()["late"] is True
    assert response.json()["due_on"] == "2026-04-30"


async def test_a_rejected_report_is_corrected_and_the_first_version_stays_in_history(
        service: Service) -> None:
    agreement = await service.signed()
    await submit(service, agreement)
    path = f"/agreements/{agreement['id']}/reports/2026-Q1"
    rejected = await service.client.post(f"{path}/rejection", headers=service.manager,
                                         json={"reason": "Belege fehlen"})

    corrected = await service.client.put(
        path, json={**FIGURES, "participants": 41},
        headers={**service.provider_token(agreement["provider_id"]), "If-Match": '"2"'})
    read = await service.client.get(path, headers=service.manager)
    history = await service.client.get(f"{path}/history", headers=service.manager)

    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Belege fehlen"
    assert corrected.status_code == 200, corrected.text
    assert read.json()["current"]["number"] == 2
    assert read.json()["current"]["figures"]["participants"] == 41
    assert read.json()["superseded"][0]["figures"]["participants"] == 40
    assert [e["type"] for e in history.json()] == [
        "ProviderReport.Submitted", "ProviderReport.Rejected", "ProviderReport.Resubmitted"]


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 31, "measured": 30}]},
     "achieved_not_above_measured"),
    ({"outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 1, "measured": 41}]},
     "measured_not_above_participants"),
    ({"participants": -1, "outcomes": []}, "amounts_must_not_be_negative"),
    ({"expenditure_cents": -5}, "amounts_must_not_be_negative"),
    ({"units_delivered": "-1"}, "amounts_must_not_be_negative"),
    ({"outcomes": [{"indicator_id": "budget_utilisation", "achieved": 1, "measured": 2}]},
     "outcome_for_agreed_impact_goal"),
    ({"outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 1, "measured": 2}] * 2},
     "one_outcome_per_impact_goal"),
    ({"period": "2026-07"}, "period_must_match_reporting_frequency"),
])
async def test_report_figures_that_break_a_check_answer_422_with_the_rule(
        service: Service, overrides: dict[str, Any], rule: str) -> None:
    agreement = await service.signed()

    response = await submit(service, agreement, **overrides)

    assert response.status_code == 422, response.text
    assert rule_of(response) == rule


@pytest.mark.parametrize(("period", "occurred_on", "rule"), [
    ("2025-Q3", "2026-04-20", "period_inside_term"),
    ("2026-Q2", "2026-06-15", "report_after_period_end"),
])
async def test_a_report_for_a_period_it_cannot_cover_answers_409(
        service: Service, period: str, occurred_on: str, rule: str) -> None:
    agreement = await service.signed()

    response = await submit(service, agreement, period=period, occurred_on=occurred_on)

    assert response.status_code == 409
    assert rule_of(response) == rule


async def test_there_is_one_current_report_per_period(service: Service) -> None:
    agreement = await service.signed()
    await submit(service, agreement)

    second = await submit(service, agreement)

    assert second.status_code == 409
    assert rule_of(second) == "one_current_report_per_period"


async def test_reviews_need_a_submitted_report_and_a_rejection_needs_a_reason(
        service: Service) -> None:
    agreement = await service.signed()
    await submit(service, agreement)
    path = f"/agreements/{agreement['id']}/reports/2026-Q1"
    await service.client.post(f"{path}/acceptance", headers=service.manager)

    twice = await service.client.post(f"{path}/acceptance", headers=service.manager)
    unreviewed = await submit(service, await service.signed())
    resubmit_early = await service.client.put(
        f"/agreements/{unreviewed.json()['agreement_id']}/reports/2026-Q1", json=FIGURES,
        headers=service.provider_token(unreviewed.json()["provider_id"]))
    no_reason = await service.client.post(
        f"/agreements/{unreviewed.json()['agreement_id']}/reports/2026-Q1/rejection",
        json={"reason": " "}, headers=service.manager)

    assert rule_of(twice) == "review_requires_submitted_report"
    assert rule_of(resubmit_early) == "resubmit_requires_reviewed_report"
    assert rule_of(no_reason) == "reason_required"


async def test_a_draft_cannot_be_reported_on(service: Service) -> None:
    draft = await service.draft((await service.provider())["id"])

    response = await submit(service, draft)

    assert rule_of(response) == "report_requires_signed_agreement"


async def test_reports_are_listed_by_where_they_stand(service: Service) -> None:
    agreement = await service.signed(term_start="2025-01-01", term_end="2026-12-31")
    await submit(service, agreement, period="2025-Q1", occurred_on="2025-04-10")
    await submit(service, agreement, period="2025-Q2", occurred_on="2025-07-10")
    await submit(service, agreement, period="2025-Q3", occurred_on="2025-10-10")
    base = f"/agreements/{agreement['id']}/reports"
    await service.client.post(f"{base}/2025-Q1/acceptance", headers=service.manager)
    await service.client.post(f"{base}/2025-Q2/rejection", json={"reason": "fehlt"},
                              headers=service.manager)

    async def periods(status: str) -> list[str]:
        response = await service.client.get(base, params={"status": status},
                                            headers=service.manager)
        assert response.status_code == 200, response.text
        return [entry["period"] for entry in response.json()]

    assert await periods("accepted") == ["2025-Q1"]
    assert await periods("rejected") == ["2025-Q2"]
    assert await periods("submitted") == ["2025-Q3"]
    # Today is after 2026-Q3 ended; its report is due until 30 days after.
    overdue = await periods("overdue")
    assert overdue[:3] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    all_periods = (await service.client.get(base, headers=service.manager)).json()
    assert len(all_periods) == len(set(e["period"] for e in all_periods))


async def test_a_period_whose_report_is_not_yet_due_is_listed_as_due(service: Service) -> None:
    agreement = await service.signed(term_start="2025-01-01", term_end="2026-12-31",
                                     reporting_obligation={"frequency": "quarterly",
                                                           "due_days": 365})

    response = await service.client.get(f"/agreements/{agreement['id']}/reports",
                                        params={"status": "due"}, headers=service.manager)

    assert "2026-Q1" in [entry["period"] for entry in response.json()]
    assert all(entry["report_id"] is None for entry in response.json())
