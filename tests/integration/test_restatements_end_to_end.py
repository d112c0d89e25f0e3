"""A corrected provider report, end to end: agreements HTTP API -> event store -> relay ->
Kafka -> metrics facts -> the restatements of the impact-goal indicator.

Both services run in this process on the real PostgreSQL (a database each) and
the real broker (topics of their own).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared.auth import Role, mint_token
from shared.contracts import (
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
)
from shared.envelope import event_id
from tests.agreements.api_support import TERMS
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_topics,
    serving,
    settings_on_own_database,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FIGURES = {"participants": 40, "units_delivered": "300", "expenditure_cents": 5_800_000,
           "narrative": "Quartal 1"}


@dataclass
class System:
    agreements: httpx.AsyncClient
    metrics: httpx.AsyncClient


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[System]:
    topics = await new_topics(infrastructure)

    async def settings(kind: type[Any], **extra: Any) -> Any:
        return await settings_on_own_database(kind, infrastructure=infrastructure,
                                              topics=topics, secret=secret, **extra)

    async with AsyncExitStack() as stack:
        yield System(
            agreements=await stack.enter_async_context(serving(agreements_app(
                await settings(AgreementsSettings)))),
            metrics=await stack.enter_async_context(serving(metrics_app(await settings(
                MetricsSettings, consumer_group=f"metrics-{uuid.uuid4().hex[:8]}")))),
        )


def outcome(achieved: int) -> list[dict[str, Any]]:
    return [{"indicator_id": "goal_attainment_rate", "achieved": achieved, "measured": 30}]


async def test_a_corrected_report_is_a_restatement_naming_the_correcting_event(
        system: System, tokens: Tokens, secret: str) -> None:
    manager = bearer(tokens.contract_manager)
    provider = (await system.agreements.post("/providers", headers=manager, json={
        "name": "Jugendhilfe Nord e.V.", "legal_form": "e.V.",
        "fields_of_action": ["jugend"]})).json()["id"]
    own = bearer(mint_token(secret, role=Role.PROVIDER, provider_id=provider, subject="pt-1"))
    agreement = (await system.agreements.post("/agreements", headers=manager, json={
        "provider_id": provider, **TERMS, "occurred_on": "2025-11-01"})).json()["id"]
    signed = await system.agreements.post(f"/agreements/{agreement}/signature",
                                          headers=manager, json={"occurred_on": "2025-12-01"})
    assert signed.status_code == 200, signed.text
    # The impact goal asks for 60 % of those measured: 10 of 30 miss it, 20 of 30 meet it.
    submitted = await system.agreements.post(
        f"/agreements/{agreement}/reports", headers=own,
        json={"period": "2026-Q1", **FIGURES, "outcomes": outcome(10),
              "occurred_on": "2026-04-20"})
    assert submitted.status_code == 201, submitted.text
    report = submitted.json()["id"]
    path = f"/agreements/{agreement}/reports/2026-Q1"
    rejected = await system.agreements.post(f"{path}/rejection", headers=manager,
                                            json={"reason": "Zahlen falsch"})
    corrected = await system.agreements.put(path, headers={**own, "If-Match": '"2"'},
                                            json={**FIGURES, "outcomes": outcome(20)})
    assert (rejected.status_code, corrected.status_code) == (200, 200), corrected.text

    async def three_restatements() -> dict[str, Any] | None:
        response = await system.metrics.get(
            "/indicators/impact_goal_achievement/restatements?period=2026-Q1&by=agreement",
            headers=own)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if len(body["restatements"]) == 3 else None

    body = await eventually(three_restatements, within=60)

    assert body["first_known"] == []  # all was recorded after the quarter: known from the draft
    values = [[(c["before"] and c["before"]["value"], c["after"] and c["after"]["value"])
               for c in r["changes"]] for r in body["restatements"]]
    assert values == [[(None, 0.0)], [(0.0, None)], [(None, 1.0)]]
    names = [[(e["type"], e["version"]) for e in r["events"]] for r in body["restatements"]]
    assert names == [[(ProviderReportSubmitted.ce_type(), 1)],
                     [(ProviderReportRejected.ce_type(), 2)],
                     [(ProviderReportResubmitted.ce_type(), 3)]]
    assert body["moments_examined"] == 4  # the signing changed nothing
    assert body["restatements"][-1]["events"][0] == {
        "id": event_id(report, 3), "type": ProviderReportResubmitted.ce_type(),
        "aggregate_id": report, "version": 3}
    assert body["restatements"][-1]["changes"][0]["dimensions"] == {"agreement": agreement}
