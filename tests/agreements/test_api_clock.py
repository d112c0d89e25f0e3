"""The service's day comes from the clock given to `create_app`, never from the machine's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from shared.clock import FixedClock
from tests.agreements.api_support import Service, running_service
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
