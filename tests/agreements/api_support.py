"""A running agreements service for the API scenario tests, and request helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from services.agreements.main import create_app
from services.agreements.settings import AgreementsSettings
from shared.auth import Role, mint_token
from shared.clock import Clock, FixedClock
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    new_database,
    new_topics,
    serving,
    settings_for,
)

GOAL = {"text": "60 % erreichen ihre Ziele", "indicator_id": "goal_attainment_rate",
        "comparison": ">=", "target_value": "0.6"}
# A day inside the terms below (one scenario ends an agreement on 1 December): a service on
# `IN_THE_TERM` states their status as of that day, whatever day the suite runs.
IN_THE_TERM = FixedClock(date(2026, 11, 30))
TERMS: dict[str, Any] = {
    "title": "Ambulante Hilfen Nordstadt", "budget_product_code": "3.6.3.01",
    "field_of_action": "jugend", "target_groups": ["Familien"], "districts": ["Nordstadt"],
    "term_start": "2026-01-01", "term_end": "2026-12-31", "annual_budget_cents": 24000000,
    "pricing_unit": "hour", "unit_price_cents": 6500, "capacity": 12, "impact_goals": [GOAL],
    "reporting_obligation": {"frequency": "quarterly", "due_days": 30},
}


@dataclass
class Service:
    """The agreements service in this process, and how to talk to it."""

    client: httpx.AsyncClient
    app: Any
    tokens: Tokens
    secret: str

    def provider_token(self, provider_id: str) -> dict[str, str]:
        return bearer(mint_token(self.secret, role=Role.PROVIDER, provider_id=provider_id,
                                 subject=f"provider-{provider_id[:8]}"))

    @property
    def manager(self) -> dict[str, str]:
        return bearer(self.tokens.contract_manager)

    async def provider(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": "Träger e.V.", "legal_form": "e.V.", "fields_of_action": ["jugend"],
                **overrides}
        response = await self.client.post("/providers", json=body, headers=self.manager)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def draft(self, provider_id: str, **overrides: Any) -> dict[str, Any]:
        body = {"provider_id": provider_id, **TERMS, "occurred_on": "2025-11-01", **overrides}
        response = await self.client.post("/agreements", json=body, headers=self.manager)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def signed(self, **overrides: Any) -> dict[str, Any]:
        provider = await self.provider()
        agreement = await self.draft(provider["id"], **overrides)
        response = await self.step(agreement["id"], "signature", {"occurred_on": "2025-12-01"})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def step(self, agreement_id: str, step: str, body: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(f"/agreements/{agreement_id}/{step}", json=body,
                                      headers=headers or self.manager)


async def running_service(infrastructure: Infrastructure, tokens: Tokens, secret: str,
                          clock: Clock | None = None) -> AsyncIterator[Service]:
    topics = await new_topics(infrastructure)
    settings = settings_for(AgreementsSettings, database_url=await new_database(infrastructure),
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)
    app = create_app(settings, clock=clock)
    async with serving(app) as client:
        yield Service(client=client, app=app, tokens=tokens, secret=secret)


def rule_of(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return str(response.json().get("rule", ""))


service_fixture = pytest.fixture(scope="module")
