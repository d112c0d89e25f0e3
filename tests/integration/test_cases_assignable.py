"""The agreements a case's service can be assigned under today, from the replica of the
agreements topic and the running services of the read model."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest

from shared.auth import Role, mint_token
from shared.contracts import ProviderRegistered, ServiceAgreementSuspended
from tests.cases.system import CasesSystem, agreement_feed, cases_system, replicated
from tests.support import Infrastructure, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TODAY = date(2026, 9, 30)


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret, today=TODAY) as running:
        yield running


async def assign(system: CasesSystem, token: str, case_id: str, agreement: uuid.UUID) -> None:
    assigned = await system.post(f"/cases/{case_id}/services", token, {
        "agreement_id": str(agreement), "units_planned": 10, "start_date": "2026-03-02"})
    assert assigned.status_code == 201, assigned.text


async def test_a_case_is_offered_the_active_agreements_of_its_field_and_district_with_places(
        system: CasesSystem, tokens: Tokens) -> None:
    provider = uuid.uuid4()
    async with agreement_feed(system) as feed:
        await feed.send(provider, ProviderRegistered(
            provider_id=provider, name="Jugendhilfe Nord e.V.", legal_form="e.V.",
            fields_of_action=[], occurred_on=date(2025, 11, 1), actor="cm-1"))
        roomy = await feed.signed_agreement(capacity=5, unit="day", provider_id=provider,
                                            title="Erziehungsbeistand",
                                            districts=("Altstadt", "Nordstadt"))
        one_left = await feed.signed_agreement(capacity=2, title="Ambulante Hilfen")
        full = await feed.signed_agreement(capacity=1)
        suspended = await feed.signed_agreement(capacity=9)
        await feed.send(suspended, ServiceAgreementSuspended(
            agreement_id=suspended, reason="Prüfung", occurred_on=date(2026, 9, 1),
            actor="cm-1"))
        other_field = await feed.signed_agreement(capacity=9, field_of_action="wohnen")
        other_district = await feed.signed_agreement(capacity=9, districts=("Hafen",))
        for agreement in (roomy, one_left, full, suspended, other_field, other_district):
            await replicated(system, agreement, feed.versions[agreement])
        await replicated(system, provider, 1)
    case = await system.new_case(tokens.caseworker, district="Nordstadt")
    await assign(system, tokens.caseworker, case["id"], one_left)
    await assign(system, tokens.caseworker, case["id"], full)

    offered = await system.get(f"/cases/{case['id']}/assignable-agreements", tokens.caseworker)

    assert offered.status_code == 200, offered.text
    items = [item for item in offered.json()["items"]
             if item["agreement_id"] in {str(a) for a in (roomy, one_left, full, suspended,
                                                          other_field, other_district)}]
    assert items == [
        {"agreement_id": str(roomy), "title": "Erziehungsbeistand", "provider_id": str(provider),
         "provider_name": "Jugendhilfe Nord e.V.", "field_of_action": "jugend",
         "districts": ["Altstadt", "Nordstadt"], "pricing_unit": "day",
         "unit_price_cents": 6500, "capacity": 5, "places_left": 5, "term_end": "2026-12-31"},
        {"agreement_id": str(one_left), "title": "Ambulante Hilfen",
         "provider_id": items[1]["provider_id"], "field_of_action": "jugend",
         "districts": ["Nordstadt"], "pricing_unit": "hour", "unit_price_cents": 6500,
         "capacity": 2, "places_left": 1, "term_end": "2026-12-31"}]


async def test_another_teams_case_answers_404_and_auditors_may_look(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await system.new_case(tokens.caseworker)
    path = f"/cases/{case['id']}/assignable-agreements"

    refused = await system.get(path, tokens.other_caseworker)
    audited = await system.get(path, tokens.auditor)
    unknown = await system.get(f"/cases/{uuid.uuid4()}/assignable-agreements",
                               tokens.caseworker)

    assert (refused.status_code, audited.status_code, unknown.status_code) == (404, 200, 404)
    assert refused.headers["content-type"] == "application/problem+json"


async def test_a_cases_services_are_named_by_their_agreement_and_provider(
        system: CasesSystem, tokens: Tokens) -> None:
    provider = uuid.uuid4()
    async with agreement_feed(system) as feed:
        await feed.send(provider, ProviderRegistered(
            provider_id=provider, name="Familienhilfe Süd gGmbH", legal_form="gGmbH",
            fields_of_action=[], occurred_on=date(2025, 11, 1), actor="cm-1"))
        agreement = await feed.signed_agreement(capacity=3, provider_id=provider,
                                                title="Sozialpädagogische Familienhilfe")
        await replicated(system, agreement, feed.versions[agreement])
        await replicated(system, provider, 1)
    case = await system.new_case(tokens.caseworker)
    await assign(system, tokens.caseworker, case["id"], agreement)

    read = await system.get(f"/cases/{case['id']}", tokens.caseworker)

    [service] = read.json()["services"]
    assert (service["agreement_title"], service["provider_name"]) == (
        "Sozialpädagogische Familienhilfe", "Familienhilfe Süd gGmbH")


async def test_occupancy_answers_places_taken_and_free_and_a_provider_sees_only_its_own(
        system: CasesSystem, tokens: Tokens, secret: str) -> None:
    provider = uuid.uuid4()
    async with agreement_feed(system) as feed:
        own = await feed.signed_agreement(capacity=3, provider_id=provider)
        other = await feed.signed_agreement(capacity=2)
        for agreement in (own, other):
            await replicated(system, agreement, feed.versions[agreement])
    case = await system.new_case(tokens.caseworker, district="Nordstadt")
    await assign(system, tokens.caseworker, case["id"], own)
    path = f"/agreement-occupancy?agreement_id={own}&agreement_id={other}"
    provider_token = mint_token(secret, role=Role.PROVIDER, provider_id=str(provider))

    managed = await system.get(path, tokens.contract_manager)
    provided = await system.get(path, provider_token)
    refused = await system.get(path, tokens.data_protection_officer)

    assert managed.status_code == 200, managed.text
    found = {item["agreement_id"]: item for item in managed.json()["items"]}
    assert found[str(own)] == {"agreement_id": str(own), "provider_id": str(provider),
                               "capacity": 3, "places_taken": 1, "places_free": 2}
    assert (found[str(other)]["places_taken"], found[str(other)]["places_free"]) == (0, 2)
    assert [item["agreement_id"] for item in provided.json()["items"]] == [str(own)]
    assert refused.status_code == 403
