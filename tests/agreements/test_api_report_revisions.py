"""A report as it stood at a past version or moment, for auditors (through the HTTP API)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.agreements.api_support import Service, running_service
from tests.support import Infrastructure, Tokens, bearer

pytestmark = pytest.mark.integration

FIGURES = {"participants": 40, "units_delivered": "300.5", "expenditure_cents": 5800000,
           "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 20,
                         "measured": 30}], "narrative": "Quartal lief gut."}


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret):
        yield running


async def corrected_report(service: Service) -> tuple[str, str]:
    """A report submitted, rejected and corrected: three versions; its path and provider."""
    agreement = await service.signed()
    provider = service.provider_token(agreement["provider_id"])
    path = f"/agreements/{agreement['id']}/reports/2026-Q1"
    submitted = await service.client.post(
        f"/agreements/{agreement['id']}/reports", headers=provider,
        json={"period": "2026-Q1", **FIGURES, "occurred_on": "2026-04-20"})
    assert submitted.status_code == 201, submitted.text
    await service.client.post(f"{path}/rejection", headers=service.manager,
                              json={"reason": "Belege fehlen"})
    corrected = await service.client.put(path, json={**FIGURES, "participants": 41},
                                         headers={**provider, "If-Match": '"2"'})
    assert corrected.status_code == 200, corrected.text
    return path, agreement["provider_id"]


async def test_an_auditor_reads_a_report_as_it_stood_at_each_version(service: Service) -> None:
    path, _ = await corrected_report(service)
    auditor = bearer(service.tokens.auditor)

    first = await service.client.get(path, params={"version": 1}, headers=auditor)
    second = await service.client.get(path, params={"version": 2}, headers=auditor)
    now = await service.client.get(path, headers=auditor)

    assert first.status_code == 200, first.text
    assert (first.json()["version"], first.json()["status"]) == (1, "submitted")
    assert first.json()["current"]["figures"]["participants"] == 40
    assert (second.json()["status"], second.json()["rejection_reason"]) == (
        "rejected", "Belege fehlen")
    assert now.json()["current"]["figures"]["participants"] == 41
    assert first.headers["etag"] == '"1"'


async def test_a_report_as_of_a_moment_is_the_last_version_recorded_by_then(
        service: Service) -> None:
    path, _ = await corrected_report(service)
    auditor = bearer(service.tokens.auditor)
    history = (await service.client.get(f"{path}/history", headers=auditor)).json()

    at_rejection = await service.client.get(
        path, params={"as_of": history[1]["recorded_at"]}, headers=auditor)
    before = await service.client.get(path, params={"as_of": "2000-01-01T00:00:00+00:00"},
                                      headers=auditor)
    both = await service.client.get(
        path, params={"as_of": history[1]["recorded_at"], "version": 1}, headers=auditor)

    assert at_rejection.json()["version"] == 2
    assert at_rejection.json()["status"] == "rejected"
    assert before.status_code == 404
    assert both.status_code == 400
    assert (await service.client.get(path, params={"version": 9}, headers=auditor)
            ).status_code == 404


async def test_another_provider_cannot_read_a_past_version(service: Service) -> None:
    path, _ = await corrected_report(service)
    other = await service.provider()

    response = await service.client.get(path, params={"version": 1},
                                        headers=service.provider_token(other["id"]))

    assert response.status_code == 404
