"""Assigning services against the replica of the agreements, fed through the real topic.

The agreements side publishes its contracts as CloudEvents onto the agreements
topic, as its relay does; the cases service consumes them into its replica.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from shared.contracts import (
    ProviderRegistered,
    ServiceAgreementEdited,
    ServiceAgreementResumed,
    ServiceAgreementSuspended,
)
from shared.vocabulary import FieldOfAction
from tests.cases.system import (
    AgreementFeed,
    CasesSystem,
    agreement_feed,
    cases_system,
    consumed,
    drafted,
    replicated,
    replicated_agreement,
)
from tests.support import Infrastructure, Tokens, eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[CasesSystem]:
    async with cases_system(infrastructure, secret) as running:
        yield running


@pytest.fixture(scope="module")
async def feed(system: CasesSystem) -> AsyncIterator[AgreementFeed]:
    async with agreement_feed(system) as publishing:
        yield publishing



async def assign(system: CasesSystem, token: str, case_id: str, agreement_id: uuid.UUID,
                 start_date: str = "2026-03-02") -> Any:
    return await system.post(f"/cases/{case_id}/services", token, {
        "agreement_id": str(agreement_id), "units_planned": 40, "start_date": start_date})


async def test_a_service_under_an_active_agreement_of_the_field_is_assigned(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, unit="day")
    case = await system.new_case(tokens.caseworker)

    assigned = await assign(system, tokens.caseworker, case["id"], agreement_id)

    assert assigned.status_code == 201, assigned.text
    [service] = assigned.json()["services"]
    assert assigned.headers["location"] == f"/cases/{case['id']}/services/{service['id']}"
    assert (service["agreement_id"], service["unit"], service["running"]) == (
        str(agreement_id), "day", True)
    read = await system.get(assigned.headers["location"], tokens.caseworker)
    assert read.json() == service


async def test_a_fully_booked_agreement_refuses_until_it_is_amended_to_more_capacity(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=1)
    first, second = [await system.new_case(tokens.caseworker) for _ in range(2)]
    assert (await assign(system, tokens.caseworker, first["id"], agreement_id)).status_code == 201

    refused = await assign(system, tokens.caseworker, second["id"], agreement_id)
    await feed.amend(agreement_id, capacity=2)
    await replicated(system, agreement_id, feed.versions[agreement_id])
    accepted = await assign(system, tokens.caseworker, second["id"], agreement_id)

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rule"] == "agreement_fully_booked"
    assert accepted.status_code == 201, accepted.text


async def test_a_terminated_agreement_refuses_services_from_its_termination_date(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=5)
    await feed.terminate(agreement_id, on=date(2026, 3, 1))
    await replicated(system, agreement_id, feed.versions[agreement_id])
    case = await system.new_case(tokens.caseworker)

    refused = await assign(system, tokens.caseworker, case["id"], agreement_id, "2026-03-01")
    before = await assign(system, tokens.caseworker, case["id"], agreement_id, "2026-02-27")

    assert refused.status_code == 409
    assert refused.json()["rule"] == "agreement_not_active"
    assert before.status_code == 201


@pytest.mark.parametrize(("terms", "start_date", "rule"), [
    ({"field_of_action": "wohnen"}, "2026-03-02", "agreement_field_of_action_mismatch"),
    ({}, "2027-01-01", "agreement_not_active"),
    ({}, "2025-12-14", "agreement_not_active"),
])
async def test_an_agreement_that_does_not_cover_the_service_refuses_it(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens, terms: dict[str, Any],
        start_date: str, rule: str) -> None:
    agreement_id = await replicated_agreement(system, feed, **terms)
    case = await system.new_case(tokens.caseworker)

    refused = await assign(system, tokens.caseworker, case["id"], agreement_id, start_date)

    assert refused.status_code == 409
    assert refused.json()["rule"] == rule
    assert (await system.get(f"/cases/{case['id']}", tokens.caseworker)).json()[
        "services"] == []


async def test_an_agreement_the_replica_never_heard_of_is_unknown(
        system: CasesSystem, tokens: Tokens) -> None:
    case = await system.new_case(tokens.caseworker)

    refused = await assign(system, tokens.caseworker, case["id"], uuid.uuid4())

    assert refused.status_code == 409
    assert refused.json()["rule"] == "agreement_unknown"


async def test_a_suspended_agreement_refuses_until_it_is_resumed(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=5)
    await feed.send(agreement_id, ServiceAgreementSuspended(
        agreement_id=agreement_id, reason="Prüfung", occurred_on=date(2026, 2, 1),
        actor="cm-1"))
    await replicated(system, agreement_id, feed.versions[agreement_id])
    case = await system.new_case(tokens.caseworker)

    while_suspended = await assign(system, tokens.caseworker, case["id"], agreement_id)
    await feed.send(agreement_id, ServiceAgreementResumed(
        agreement_id=agreement_id, occurred_on=date(2026, 3, 1), actor="cm-1"))
    await replicated(system, agreement_id, feed.versions[agreement_id])
    resumed = await assign(system, tokens.caseworker, case["id"], agreement_id)
    before_resumption = await assign(system, tokens.caseworker, case["id"], agreement_id,
                                     "2026-02-15")

    assert while_suspended.json()["rule"] == "agreement_not_active"
    assert resumed.status_code == 201
    assert before_resumption.json()["rule"] == "agreement_not_active"


async def test_an_edited_draft_counts_with_its_edited_terms_once_signed(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = uuid.uuid4()
    await feed.send(agreement_id, drafted(agreement_id, field_of_action="wohnen", capacity=0))
    await feed.send(agreement_id, ServiceAgreementEdited(
        agreement_id=agreement_id, field_of_action=FieldOfAction.JUGEND, capacity=3,
        occurred_on=date(2025, 12, 2), actor="cm-1"))
    await replicated(system, agreement_id, 2)
    case = await system.new_case(tokens.caseworker)

    unsigned = await assign(system, tokens.caseworker, case["id"], agreement_id)
    await feed.signed_after_draft(agreement_id)
    await replicated(system, agreement_id, 3)
    signed = await assign(system, tokens.caseworker, case["id"], agreement_id)

    assert unsigned.json()["rule"] == "agreement_not_active"
    assert signed.status_code == 201, signed.text


async def test_ending_a_service_or_closing_its_case_frees_the_place(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=1)
    cases = [await system.new_case(tokens.caseworker) for _ in range(3)]
    first = await assign(system, tokens.caseworker, cases[0]["id"], agreement_id)
    [service] = first.json()["services"]

    await system.post(f"/cases/{cases[0]['id']}/services/{service['id']}/end",
                      tokens.caseworker, {"reason": "Ziel erreicht"})
    second = await assign(system, tokens.caseworker, cases[1]["id"], agreement_id)
    await system.post(f"/cases/{cases[1]['id']}/closure", tokens.caseworker,
                      {"reason": "moved"})
    third = await assign(system, tokens.caseworker, cases[2]["id"], agreement_id)

    assert (second.status_code, third.status_code) == (201, 201)


async def test_concurrent_assignments_take_the_last_place_once(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=1)
    cases = [await system.new_case(tokens.caseworker) for _ in range(4)]

    answers = await asyncio.gather(*(assign(system, tokens.caseworker, case["id"],
                                            agreement_id) for case in cases))

    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409]


async def test_a_redelivered_event_is_not_applied_again(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    agreement_id = await replicated_agreement(system, feed, capacity=1)
    await feed.amend(agreement_id, capacity=2)
    await replicated(system, agreement_id, 3)

    await feed.send(agreement_id, drafted(agreement_id, capacity=1), version=1)
    await consumed(system, feed.last_position)
    rows = await system.fetch("SELECT capacity, version FROM replica_agreements "
                              "WHERE agreement_id = $1", agreement_id)

    assert (rows[0]["capacity"], rows[0]["version"]) == (2, 3)


async def test_a_message_that_cannot_be_applied_is_kept_and_the_replica_goes_on(
        system: CasesSystem, feed: AgreementFeed, tokens: Tokens) -> None:
    broken = uuid.uuid4()
    await feed.send(broken, ProviderRegistered(
        provider_id=broken, name="Träger", legal_form="e.V.", fields_of_action=[],
        occurred_on=date(2026, 1, 1), actor="cm-1"))
    await feed.publish(str(broken).encode(), b"not json", [
        ("ce_specversion", b"1.0"), ("ce_id", b"x"), ("ce_source", b"/wirkung/agreements"),
        ("ce_type", b"de.wirkung.agreements.Nonsense.v1"), ("ce_subject", str(broken).encode()),
        ("ce_time", b"2026-01-01T00:00:00Z"), ("ce_aggregateversion", b"2")])

    async def kept() -> list[Any]:
        return [row for row in await system.fetch("SELECT headers FROM replica_dead_letters")
                if "Nonsense" in row["headers"]]

    [dead] = await eventually(kept)
    after = await replicated_agreement(system, feed)

    assert "dlq_origin_offset" in dead["headers"]
    assert after in feed.versions
