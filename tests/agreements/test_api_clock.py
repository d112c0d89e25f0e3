"""The service's day comes from the clock given to `create_app`, never from the machine's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from shared.clock import FixedClock
from tests.agreements.api_support import Service, rule_of, running_service
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration

# Signed on 1 December 2025, the agreement's term starts on 1 January 2026.
BEFORE_THE_TERM = date(2025, 12, 15)


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret,
                                         clock=FixedClock(BEFORE_THE_TERM)):
        yield running


async def test_an_agreement_stands_as_on_the_clocks_day(service: Service) -> None:
    agreement = await service.signed()

    read = await service.client.get(f"/agreements/{agreement['id']}", headers=service.manager)
    listed = await service.client.get("/agreements", params={"status": "signed"},
                                      headers=service.manager)

    assert agreement["status"] == read.json()["status"] == "signed"
    assert agreement["id"] in [item["agreement_id"] for item in listed.json()["items"]]


async def test_a_step_without_a_date_happened_on_the_clocks_day(service: Service) -> None:
    provider = await service.provider()
    agreement = await service.draft(provider["id"], occurred_on=None)

    history = (await service.client.get(f"/agreements/{agreement['id']}/history",
                                        headers=service.manager)).json()

    assert history[0]["occurred_on"] == BEFORE_THE_TERM.isoformat()


# A day the machine's clock is not on when the suite runs: the service counts it as today.
FIXED_DAY = date(2026, 5, 15)
FIGURES = {"participants": 40, "units_delivered": "300.5", "expenditure_cents": 5800000,
           "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 20,
                         "measured": 30}], "narrative": "Quartal lief gut."}


async def test_a_service_started_with_a_fixed_day_counts_that_day_as_today(
        infrastructure: Infrastructure, tokens: Tokens, secret: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_FIXED_DAY", FIXED_DAY.isoformat())
    async for fixed in running_service(infrastructure, tokens, secret):
        agreement = await fixed.signed(term_end="2026-06-30")
        provider = fixed.provider_token(agreement["provider_id"])
        path = f"/agreements/{agreement['id']}/reports"

        first = await fixed.client.post(path, json={"period": "2026-Q1", **FIGURES},
                                        headers=provider)
        early = await fixed.client.post(path, json={"period": "2026-Q2", **FIGURES},
                                        headers=provider)

        assert agreement["status"] == "active", "the term runs to 30 June"
        assert first.status_code == 201, first.text
        assert early.status_code == 409, early.text
        assert rule_of(early) == "report_after_period_end"
