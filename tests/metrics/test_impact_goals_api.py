"""The impact goals against their targets: per agreement and period, a provider's own only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.auth import Role, mint_token
from shared.topics import Topics
from tests.metrics.history import A1, A2, P1, P2, fixed_history
from tests.metrics.support import facts_of
from tests.support import Infrastructure, Tokens, bearer, serving, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture
async def metrics(database_url: str, infrastructure: Infrastructure, topics: Topics,
                  secret: str) -> AsyncIterator[httpx.AsyncClient]:
    pool = await facts_of(database_url, fixed_history())
    await pool.close()
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}")
    async with serving(create_app(settings)) as client:
        yield client


def provider(secret: str, provider_id: uuid.UUID) -> dict[str, str]:
    return bearer(mint_token(secret, role=Role.PROVIDER, provider_id=str(provider_id),
                             subject="pt-1"))


async def test_each_goal_stands_against_its_target_per_quarter(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await metrics.get("/impact-goals?period=2026&grain=quarter",
                                 headers=bearer(tokens.contract_manager))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 2
    standings = {a["agreement"]: a["goals"][0] for a in body["agreements"]}
    a1, a2 = standings[str(A1)], standings[str(A2)]
    assert (a1["comparison"], a1["target_value"]) == (">=", "0.6")
    assert [p["period"] for p in a1["periods"]] == ["2026-Q1", "2026-Q2", "2026-Q3",
                                                    "2026-Q4"]
    assert a1["periods"][0] == {"period": "2026-Q1", "reports": 1, "achieved": 4,
                                "measured": 5, "value": 0.8, "met": True}
    assert a1["periods"][1] == {"period": "2026-Q2", "reports": 0, "achieved": 0,
                                "measured": 0, "value": None, "met": None}
    # A2's report was rejected, then resubmitted with 2 of 3: the latest revision counts.
    assert (a2["periods"][0]["achieved"], a2["periods"][0]["met"]) == (2, True)


async def test_a_goal_below_its_target_is_not_met(metrics: httpx.AsyncClient,
                                                  tokens: Tokens) -> None:
    as_of_rejection = "2026-05-11T00:00:00Z"  # A2's first report rejected, not yet resubmitted
    before = await metrics.get(f"/impact-goals?period=2026-Q1&agreement={A2}"
                               "&as_of=2026-05-06T00:00:00Z",
                               headers=bearer(tokens.auditor))
    rejected = await metrics.get(f"/impact-goals?period=2026-Q1&agreement={A2}"
                                 f"&as_of={as_of_rejection}", headers=bearer(tokens.auditor))

    first = before.json()["agreements"][0]["goals"][0]["periods"][0]
    assert (first["achieved"], first["measured"], first["met"]) == (1, 3, False)
    assert rejected.json()["agreements"][0]["goals"][0]["periods"][0]["reports"] == 0


async def test_a_provider_sees_the_goals_of_its_own_agreements_only(
        metrics: httpx.AsyncClient, secret: str, tokens: Tokens) -> None:
    own = await metrics.get("/impact-goals?period=2026", headers=provider(secret, P1))
    others = await metrics.get(f"/impact-goals?period=2026&agreement={A2}",
                               headers=provider(secret, P1))
    caseworker = await metrics.get("/impact-goals", headers=bearer(tokens.caseworker))

    assert [a["agreement"] for a in own.json()["agreements"]] == [str(A1)]
    assert others.json() == {**others.json(), "total": 0, "agreements": []}
    assert caseworker.status_code == 403


async def test_a_bad_period_is_answered_with_a_problem(metrics: httpx.AsyncClient,
                                                       tokens: Tokens) -> None:
    response = await metrics.get("/impact-goals?period=2026-Q7",
                                 headers=bearer(tokens.contract_manager))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("indicator", ["impact_goal_achievement", "report_timeliness",
                                       "budget_utilisation"])
async def test_a_provider_reads_agreement_indicators_of_its_own_agreements_only(
        metrics: httpx.AsyncClient, secret: str, indicator: str) -> None:
    answers = {p: await metrics.get(f"/indicators/{indicator}?period=2026&by=agreement",
                                    headers=provider(secret, p)) for p in (P1, P2)}

    assert {cell["agreement"] for cell in answers[P1].json()["cells"]} <= {str(A1)}
    assert {cell["agreement"] for cell in answers[P2].json()["cells"]} <= {str(A2)}
    assert answers[P1].json()["cells"] or answers[P2].json()["cells"]
