"""A provider sees and reports only on its own agreements: anything else is 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.agreements.api_support import TERMS, Service, running_service
from tests.agreements.test_api_reports import FIGURES
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret):
        yield running


@pytest.fixture(scope="module")
async def world(service: Service) -> dict[str, Any]:
    """Provider A with an agreement and a report; provider B, the other tenant."""
    agreement = await service.signed()
    submitted = await service.client.post(
        f"/agreements/{agreement['id']}/reports",
        json={"period": "2026-Q1", **FIGURES, "occurred_on": "2026-04-20"},
        headers=service.provider_token(agreement["provider_id"]))
    assert submitted.status_code == 201, submitted.text
    other = await service.provider(name="Anderer Träger")
    return {"agreement": agreement, "report": submitted.json(), "other": other}


def endpoints(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    a, p = world["agreement"]["id"], world["agreement"]["provider_id"]
    report = f"/agreements/{a}/reports/2026-Q1"
    return [
        ("GET", f"/providers/{p}", None),
        ("GET", f"/providers/{p}/history", None),
        ("GET", f"/agreements/{a}", None),
        ("GET", f"/agreements/{a}?version=1", None),
        ("GET", f"/agreements/{a}/history", None),
        ("GET", f"/agreements/{a}/reports", None),
        ("GET", report, None),
        ("GET", f"{report}/history", None),
        ("POST", f"/agreements/{a}/reports", {"period": "2026-Q2", **FIGURES}),
        ("PUT", report, FIGURES),
    ]


MANAGER_ONLY: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/providers", {"name": "X", "legal_form": "e.V.", "fields_of_action": ["jugend"]}),
    ("PATCH", "/providers/{p}", {"name": "Gekapert"}),
    ("POST", "/providers/{p}/deactivation", None),
    ("POST", "/agreements", {"provider_id": "{p}", **TERMS}),
    ("PUT", "/agreements/{a}/terms", TERMS),
    ("POST", "/agreements/{a}/signature", None),
    ("POST", "/agreements/{a}/amendments", {"effective_date": "2026-07-01", "reason": "x",
                                            "capacity": 99}),
    ("POST", "/agreements/{a}/suspension", {"reason": "x"}),
    ("POST", "/agreements/{a}/resumption", None),
    ("POST", "/agreements/{a}/termination", {"termination_date": "2026-07-01",
                                             "reason": "x"}),
    ("POST", "/agreements/{a}/reports/2026-Q1/acceptance", None),
    ("POST", "/agreements/{a}/reports/2026-Q1/rejection", {"reason": "x"}),
]


async def test_every_endpoint_answers_404_to_another_provider_and_logs_it(
        service: Service, world: dict[str, Any]) -> None:
    intruder = service.provider_token(world["other"]["id"])
    app = service.app.state.application
    refused_before = len(app.access_log.entries(granted=False, limit=1000))

    for method, path, body in endpoints(world):
        response = await service.client.request(method, path, json=body, headers=intruder)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"

    refused = app.access_log.entries(granted=False, limit=1000)
    assert len(refused) - refused_before == len(endpoints(world))
    assert {entry.role for entry in refused} == {"provider"}


async def test_another_provider_cannot_change_anything(service: Service,
                                                        world: dict[str, Any]) -> None:
    a, p = world["agreement"]["id"], world["agreement"]["provider_id"]
    intruder = service.provider_token(world["other"]["id"])
    before = [await service.client.get(path, headers=service.manager) for path in
              (f"/providers/{p}", f"/agreements/{a}", f"/agreements/{a}/reports/2026-Q1")]

    for method, template, body in MANAGER_ONLY:
        path = template.format(a=a, p=p)
        filled = None if body is None else {
            key: (value.format(p=p) if isinstance(value, str) and "{p}" in value else value)
            for key, value in body.items()}
        response = await service.client.request(method, path, json=filled, headers=intruder)
        assert response.status_code in (403, 404), (method, path)

    after = [await service.client.get(path, headers=service.manager) for path in
             (f"/providers/{p}", f"/agreements/{a}", f"/agreements/{a}/reports/2026-Q1")]
    assert [r.json()["version"] for r in after] == [r.json()["version"] for r in before]


async def test_lists_show_a_provider_only_its_own(service: Service,
                                                  world: dict[str, Any]) -> None:
    intruder = service.provider_token(world["other"]["id"])
    owner = service.provider_token(world["agreement"]["provider_id"])

    their_providers = (await service.client.get("/providers", headers=intruder)).json()
    their_agreements = (await service.client.get("/agreements", headers=intruder)).json()
    own_agreements = (await service.client.get("/agreements", headers=owner)).json()
    asked_for_others = (await service.client.get(
        "/agreements", params={"provider_id": world["agreement"]["provider_id"]},
        headers=intruder)).json()

    assert [item["provider_id"] for item in their_providers["items"]] == [world["other"]["id"]]
    assert their_agreements["items"] == asked_for_others["items"] == []
    assert [item["agreement_id"] for item in own_agreements["items"]] == [
        world["agreement"]["id"]]


async def test_auditors_read_everything_and_change_nothing(service: Service,
                                                           world: dict[str, Any]) -> None:
    from tests.support import bearer

    auditor = bearer(service.tokens.auditor)
    a = world["agreement"]["id"]

    assert (await service.client.get(f"/agreements/{a}", headers=auditor)).status_code == 200
    assert (await service.client.get("/agreements", headers=auditor)).json()["total"] >= 1
    suspend = await service.client.post(f"/agreements/{a}/suspension", json={"reason": "x"},
                                        headers=auditor)
    assert suspend.status_code == 403


async def test_caseworkers_have_no_business_with_agreements(service: Service,
                                                            world: dict[str, Any]) -> None:
    from tests.support import bearer

    response = await service.client.get("/agreements", headers=bearer(
        service.tokens.caseworker))

    assert response.status_code == 403


async def test_the_refusals_are_read_over_http_by_auditors_and_the_data_protection_officer(
        service: Service, world: dict[str, Any], tokens: Tokens) -> None:
    intruder = service.provider_token(world["other"]["id"])
    agreement = world["agreement"]["id"]
    refused = await service.client.get(f"/agreements/{agreement}", headers=intruder)
    assert refused.status_code == 404

    for token in (tokens.auditor, tokens.data_protection_officer):
        log = await service.client.get(f"/access-log?object_ref={agreement}",
                                       headers={"Authorization": f"Bearer {token}"})
        assert log.status_code == 200, log.text
        [latest, *_] = log.json()
        assert (latest["object_type"], latest["role"], latest["granted"]) == (
            "agreement", "provider", False)
    for token in (tokens.contract_manager, tokens.caseworker, intruder["Authorization"][7:]):
        answer = await service.client.get("/access-log",
                                          headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 403


async def test_auditors_count_the_refusals_of_a_span_by_role_and_purpose(
        service: Service, world: dict[str, Any], tokens: Tokens) -> None:
    intruder = service.provider_token(world["other"]["id"])
    since = datetime.now(UTC)
    for _ in range(2):
        refused = await service.client.get(f"/agreements/{world['agreement']['id']}",
                                           headers=intruder)
        assert refused.status_code == 404
    until = datetime.now(UTC)
    span = {"since": since.isoformat(), "until": until.isoformat()}

    counted = await service.client.get("/access-log/counts", params=span, headers={
        "Authorization": f"Bearer {tokens.auditor}"})
    manager = await service.client.get("/access-log/counts", params=span, headers={
        "Authorization": f"Bearer {tokens.contract_manager}"})

    assert counted.status_code == 200, counted.text
    assert counted.json()["counts"] == [{"role": "provider", "purpose": "agreements",
                                         "granted": 0, "refused": 2}]
    assert manager.status_code == 403
