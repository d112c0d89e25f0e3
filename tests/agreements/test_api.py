"""The agreements API on the in-memory store and the real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.agreements.main import create_app
from services.agreements.settings import AgreementsSettings
from shared.auth import Role, mint_token
from shared.topics import Topics
from tests.support import Infrastructure, Tokens, bearer, serving, settings_for

A_PROVIDER = {"name": "Jugendhilfe Nord e.V.", "legal_form": "e.V.",
              "fields_of_action": ["jugend"], "contact": "info@example.org"}


@pytest.fixture
async def api(infrastructure: Infrastructure, topics: Topics, secret: str,
              database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(AgreementsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)
    async with serving(create_app(settings)) as client:
        yield client


async def test_a_contract_manager_registers_a_provider(api: httpx.AsyncClient,
                                                       tokens: Tokens) -> None:
    response = await api.post("/providers", json=A_PROVIDER,
                              headers=bearer(tokens.contract_manager))

    assert response.status_code == 201, response.text
    provider = response.json()
    assert response.headers["location"] == f"/providers/{provider['id']}"
    assert response.headers["etag"] == '"1"'
    read = await api.get(f"/providers/{provider['id']}", headers=bearer(tokens.auditor))
    assert read.json()["name"] == "Jugendhilfe Nord e.V."


async def test_without_a_token_the_answer_is_a_401_problem(api: httpx.AsyncClient) -> None:
    response = await api.post("/providers", json=A_PROVIDER)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def test_a_forged_token_is_a_401_problem(api: httpx.AsyncClient) -> None:
    forged = mint_token("not-the-services-secret-not-the-services", role=Role.CONTRACT_MANAGER)

    response = await api.post("/providers", json=A_PROVIDER, headers=bearer(forged))

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_caseworker_may_not_register_providers(api: httpx.AsyncClient,
                                                       tokens: Tokens) -> None:
    response = await api.post("/providers", json=A_PROVIDER, headers=bearer(tokens.caseworker))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "caseworker" in response.json()["detail"]


async def test_unknown_fields_are_rejected(api: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await api.post("/providers", json={**A_PROVIDER, "rating": 5},
                              headers=bearer(tokens.contract_manager))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][-1] == "rating"


async def test_a_provider_sees_only_itself(api: httpx.AsyncClient, tokens: Tokens,
                                           secret: str) -> None:
    created = await api.post("/providers", json=A_PROVIDER,
                             headers=bearer(tokens.contract_manager))
    provider_id = created.json()["id"]
    own = mint_token(secret, role=Role.PROVIDER, provider_id=provider_id)
    other = mint_token(secret, role=Role.PROVIDER, provider_id="00000000-0000-4000-8000-0000")

    assert (await api.get(f"/providers/{provider_id}", headers=bearer(own))).status_code == 200
    refused = await api.get(f"/providers/{provider_id}", headers=bearer(other))
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"


async def test_health_ready_and_docs_answer(api: httpx.AsyncClient) -> None:
    assert (await api.get("/health")).json() == {"status": "ok"}
    ready = await api.get("/ready")
    assert ready.status_code == 200, ready.text
    openapi = (await api.get("/openapi.json")).json()
    assert "/providers" in openapi["paths"]
    assert (await api.get("/docs")).status_code == 200
    asyncapi = await api.get("/asyncapi.json")
    assert asyncapi.status_code == 200
    assert any("agreements.events" in name for name in asyncapi.json()["channels"])


async def test_the_correlation_id_is_echoed(api: httpx.AsyncClient) -> None:
    response = await api.get("/health", headers={"X-Correlation-ID": "req-77"})

    assert response.headers["x-correlation-id"] == "req-77"
