"""Lists and search with pagination and filters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.agreements.api_support import IN_THE_TERM, Service, running_service
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret, clock=IN_THE_TERM):
        yield running


async def search(service: Service, **params: Any) -> dict[str, Any]:
    response = await service.client.get("/agreements", params=params, headers=service.manager)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_agreements_are_found_by_provider_field_status_district_and_product(
        service: Service) -> None:
    provider = await service.provider(name="Suchträger", fields_of_action=["wohnen"])
    draft = await service.draft(provider["id"], field_of_action="wohnen", districts=["Ost"],
                                budget_product_code="3.1.5.02", title="Wohnen Ost")
    signed = await service.signed(districts=["West"], title="Jugend West")

    by_provider = await search(service, provider_id=provider["id"])
    by_field = await search(service, field_of_action="wohnen")
    by_district = await search(service, district="West")
    by_product = await search(service, product_code="3.1.5.02")
    drafts = await search(service, status="draft")
    active = await search(service, status="active")

    assert [i["agreement_id"] for i in by_provider["items"]] == [draft["id"]]
    assert draft["id"] in [i["agreement_id"] for i in by_field["items"]]
    assert [i["agreement_id"] for i in by_district["items"]] == [signed["id"]]
    assert [i["agreement_id"] for i in by_product["items"]] == [draft["id"]]
    assert draft["id"] in [i["agreement_id"] for i in drafts["items"]]
    assert signed["id"] in [i["agreement_id"] for i in active["items"]]
    assert signed["id"] not in [i["agreement_id"] for i in drafts["items"]]


async def test_lists_are_paged(service: Service) -> None:
    provider = await service.provider(name="Viele")
    for number in range(5):
        await service.draft(provider["id"], title=f"Vertrag {number}")

    first = await search(service, provider_id=provider["id"], limit=2, offset=0)
    last = await search(service, provider_id=provider["id"], limit=2, offset=4)
    beyond = await search(service, provider_id=provider["id"], limit=2, offset=10)

    assert first["total"] == last["total"] == 5
    assert [i["title"] for i in first["items"]] == ["Vertrag 0", "Vertrag 1"]
    assert [i["title"] for i in last["items"]] == ["Vertrag 4"]
    assert beyond["items"] == []
    assert beyond["total"] == 5


async def test_a_written_agreement_is_in_the_list_at_once(service: Service) -> None:
    agreement = await service.signed(title="Sofort sichtbar")

    found = await search(service, provider_id=agreement["provider_id"])

    assert found["items"][0]["status"] == "active"


async def test_providers_are_filtered_by_field_and_activity(service: Service) -> None:
    provider = await service.provider(name="Gesundheitsträger",
                                      fields_of_action=["gesundheit"])
    await service.client.post(f"/providers/{provider['id']}/deactivation",
                              headers=service.manager)

    inactive = (await service.client.get("/providers", params={"active": "false"},
                                         headers=service.manager)).json()
    health = (await service.client.get("/providers", params={"field_of_action": "gesundheit"},
                                       headers=service.manager)).json()

    assert provider["id"] in [item["provider_id"] for item in inactive["items"]]
    assert provider["id"] in [item["provider_id"] for item in health["items"]]


async def test_a_bad_filter_is_a_422_problem(service: Service) -> None:
    response = await service.client.get("/agreements", params={"status": "wobbly"},
                                        headers=service.manager)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
