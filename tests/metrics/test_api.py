"""The metrics API: the catalog, indicator values per role, the reference population."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.metrics.indicators.manifest import result_hash
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.auth import Role, mint_token
from shared.contracts import CaseClosed, ProviderReportResubmitted
from shared.envelope import Envelope, event_id
from shared.topics import Topics
from tests.metrics.history import A1, A2, P1, P2, fixed_history, uid
from tests.metrics.support import as_readers_see, facts_of
from tests.support import Infrastructure, Tokens, bearer, serving, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture
async def metrics(database_url: str, infrastructure: Infrastructure, topics: Topics,
                  secret: str) -> AsyncIterator[httpx.AsyncClient]:
    pool = await facts_of(database_url, fixed_history())
    await pool.close()
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}",
                            disclosure_threshold=3)
    async with serving(create_app(settings)) as client:
        yield client


def provider_token(secret: str, provider_id: uuid.UUID) -> str:
    return mint_token(secret, role=Role.PROVIDER, provider_id=str(provider_id), subject="pt-1")


async def test_the_catalog_lists_every_indicator_with_its_hash(metrics: httpx.AsyncClient,
                                                                tokens: Tokens) -> None:
    response = await metrics.get("/indicators", headers=bearer(tokens.caseworker))

    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()}
    assert len(listed) == 19
    assert listed["planned_closure_rate"]["title_de"] == "Quote planmäßiger Beendigungen"
    assert listed["planned_closure_rate"]["definition_hash"].startswith("sha256:")


async def test_an_indicator_answers_cells_with_hash_and_input_position(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await metrics.get(
        "/indicators/active_cases?period=2026-Q1&by=field_of_action,district"
        "&as_of=2026-12-31T00:00:00Z", headers=bearer(tokens.auditor))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "2026-Q1"
    assert body["by"] == ["field_of_action", "district"]
    assert body["definition_hash"].startswith("sha256:")
    assert body["disclosure_threshold"] == 3
    assert body["input_positions"] == {}  # projected directly, not from a topic
    assert body["cells"] == [
        {"field_of_action": "jugend", "district": "Nordstadt", "value": None,
         "numerator": None, "denominator": None, "persons": None, "suppressed": True},
        {"field_of_action": "jugend", "district": "Südstadt", "value": None,
         "numerator": None, "denominator": None, "persons": None, "suppressed": True},
        {"field_of_action": "wohnen", "district": "Oststadt", "value": None,
         "numerator": None, "denominator": None, "persons": None, "suppressed": True},
    ]


async def test_a_provider_reads_the_agreement_indicators_of_its_own_agreements_only(
        metrics: httpx.AsyncClient, secret: str) -> None:
    token = bearer(provider_token(secret, P1))

    catalog = await metrics.get("/indicators", headers=token)
    own = await metrics.get("/indicators/capacity_utilisation?period=2026-Q1&by=agreement",
                            headers=token)
    case_level = await metrics.get("/indicators/active_cases", headers=token)

    assert {item["level"] for item in catalog.json()} == {"agreement"}
    assert [cell["agreement"] for cell in own.json()["cells"]] == [str(A1)]
    assert case_level.status_code == 403
    assert case_level.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("query", "status"), [
    ("/indicators/no_such_indicator", 404),
    ("/indicators/active_cases?period=2026-Q5", 422),
    ("/indicators/budget_utilisation?by=age_band", 422),
    ("/indicators/active_cases?as_of=yesterday", 422),
])
async def test_bad_questions_are_answered_with_problems(metrics: httpx.AsyncClient,
                                                        tokens: Tokens, query: str,
                                                        status: int) -> None:
    response = await metrics.get(query, headers=bearer(tokens.contract_manager))

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_contract_manager_imports_population_with_its_source(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    body = {"source": "Statistikstelle 2027", "rows": [
        {"district": "Hafen", "age_band": "18-26", "year": 2026, "population": 4000}]}

    imported = await metrics.post("/reference/population", json=body,
                                  headers=bearer(tokens.contract_manager))
    refused = await metrics.post("/reference/population", json=body,
                                 headers=bearer(tokens.caseworker))
    unknown = await metrics.post("/reference/population", json={**body, "note": "x"},
                                 headers=bearer(tokens.contract_manager))

    assert imported.status_code == 201
    assert imported.json() == {"imported": 1, "source": "Statistikstelle 2027"}
    assert refused.status_code == 403
    assert unknown.status_code == 422
    total = await metrics.get("/indicators/active_cases_per_1000?period=2026-Q1",
                              headers=bearer(tokens.auditor))
    assert total.json()["cells"][0]["denominator"] == 6000 + 4000


async def test_restatements_name_the_event_that_corrected_a_provider_report(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await metrics.get(
        "/indicators/impact_goal_achievement/restatements?period=2026-Q1&by=agreement",
        headers=bearer(tokens.contract_manager))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["first_known_at"] == "2026-04-01T00:00:00+00:00"
    assert body["first_known"] == []
    assert (body["moments_examined"], body["moments_left"], body["limit"]) == (5, 0, 100)
    report, resubmitted = resubmission_of("R2")
    last = body["restatements"][-1]
    assert last["recorded_at"] == resubmitted.time.isoformat()
    assert last["events"] == [{
        "id": event_id(str(report), 3), "type": ProviderReportResubmitted.ce_type(),
        "aggregate_id": str(report), "version": 3}]
    assert last["changes"] == [{
        "dimensions": {"agreement": str(A2)}, "before": None,
        "after": {"value": 1.0, "numerator": 1.0, "denominator": 1.0, "persons": 3,
                  "suppressed": False}}]
    assert [r["changes"][0]["after"] and r["changes"][0]["after"]["value"]
            for r in body["restatements"]] == [1.0, 0.0, None, 1.0]


def resubmission_of(report: str) -> tuple[uuid.UUID, Envelope]:
    [envelope] = [e for _, e in fixed_history().envelopes
                  if e.subject == str(uid(report))
                  and e.type == ProviderReportResubmitted.ce_type()]
    return uid(report), envelope


async def test_a_provider_reads_restatements_of_its_own_agreements_only(
        metrics: httpx.AsyncClient, secret: str) -> None:
    own = await metrics.get(
        "/indicators/impact_goal_achievement/restatements?period=2026-Q1&by=agreement",
        headers=bearer(provider_token(secret, P2)))
    case_level = await metrics.get("/indicators/planned_closure_rate/restatements?period=2026",
                                   headers=bearer(provider_token(secret, P2)))

    assert own.status_code == 200, own.text
    assert {change["dimensions"]["agreement"] for r in own.json()["restatements"]
            for change in r["changes"]} == {str(A2)}
    assert [event["aggregate_id"] for r in own.json()["restatements"]
            for event in r["events"]] == [str(uid("R2"))] * 3
    assert case_level.status_code == 403
    assert case_level.headers["content-type"] == "application/problem+json"


async def test_case_events_are_named_to_auditors_and_their_team_only(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    path = "/indicators/planned_closure_rate/restatements?period=2026-Q1&by=field_of_action"

    async def first_restatement(token: str) -> dict[str, Any]:
        response = await metrics.get(path, headers=bearer(token))
        assert response.status_code == 200, response.text
        first: dict[str, Any] = response.json()["restatements"][0]
        return first

    auditor = await first_restatement(tokens.auditor)
    team = await first_restatement(tokens.caseworker)
    other_team = await first_restatement(tokens.other_caseworker)
    manager = await first_restatement(tokens.contract_manager)

    closure = {"type": CaseClosed.ce_type(), "aggregate_id": str(uid("K3"))}
    assert [{key: e[key] for key in closure} for e in auditor["events"]] == [closure]
    assert team["events"] == auditor["events"]
    assert (other_team["events"], other_team["withheld_events"]) == ([], 1)
    assert (manager["events"], manager["withheld_events"]) == ([], 1)
    # The same change, its figures perturbed for the manager (K1-K3 of p1-p3 closed).
    [change] = auditor["changes"]
    assert manager["changes"] == [{**change, "after": as_readers_see(
        change["after"], ["p1", "p2", "p3"], "planned_closure_rate", 3)}]


@pytest.mark.parametrize(("query", "status"), [
    ("/indicators/no_such_indicator/restatements?period=2026-Q1", 404),
    ("/indicators/active_cases/restatements?period=2026-Q5", 422),
    ("/indicators/active_cases/restatements", 422),
    ("/indicators/budget_utilisation/restatements?period=2026&by=age_band", 422),
    ("/indicators/active_cases/restatements?period=2026&limit=0", 422),
    ("/indicators/active_cases/restatements?period=2026&as_of=yesterday", 422),
])
async def test_bad_restatement_questions_are_answered_with_problems(
        metrics: httpx.AsyncClient, tokens: Tokens, query: str, status: int) -> None:
    response = await metrics.get(query, headers=bearer(tokens.auditor))

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_every_answer_carries_a_manifest_documented_with_an_example(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await metrics.get("/indicators/active_cases?period=2026-Q1&by=district"
                                 "&as_of=2026-03-15T00:00:00Z", headers=bearer(tokens.auditor))
    openapi = (await metrics.get("/openapi.json")).json()

    manifest = response.json()["manifest"]
    assert manifest["indicator"] == "active_cases"
    assert manifest["definition_hash"] == response.json()["definition_hash"]
    assert manifest["question"] == {"period": "2026-Q1", "by": ["district"], "grain": None,
                                    "as_of": "2026-03-15T00:00:00Z", "provider_id": None}
    assert manifest["evaluated_on"] == "2026-03-15"
    assert manifest["disclosure_threshold"] == 3
    assert manifest["input_positions"] == {}
    assert manifest["reference_population"] is None
    assert manifest["result_hash"] == result_hash(response.json()["cells"])
    documented = openapi["components"]["schemas"]["Manifest"]
    assert documented["examples"][0]["result_hash"].startswith("sha256:")
    assert "manifest" in openapi["components"]["schemas"]["IndicatorValues"]["required"]


async def test_a_population_file_is_imported_as_it_is_sent(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    csv = "district;age_band;year;population\nWerft;18-26;2026;1200\n\nWerft;27-64;2026;3400\n"

    imported = await metrics.post("/reference/population/csv",
                                  params={"source": "Statistikstelle"},
                                  content=csv.encode("utf-8-sig"),
                                  headers={**bearer(tokens.contract_manager),
                                           "Content-Type": "text/csv"})
    refused = await metrics.post("/reference/population/csv", params={"source": "x"},
                                 content=csv.encode(), headers=bearer(tokens.caseworker))

    assert imported.status_code == 201, imported.text
    assert imported.json() == {"imported": 2, "source": "Statistikstelle"}
    assert refused.status_code == 403


async def test_a_population_file_with_bad_lines_is_refused_naming_each_line(
        metrics: httpx.AsyncClient, tokens: Tokens) -> None:
    csv = ("district,age_band,year,population\nKai,18-26,2026,100\nKai,,zwanzig,-5\n"
           "Kai,65+,1800,12.5\n")
    headers = {**bearer(tokens.contract_manager), "Content-Type": "text/csv"}

    refused = await metrics.post("/reference/population/csv", params={"source": "Amt"},
                                 content=csv.encode(), headers=headers)
    no_columns = await metrics.post("/reference/population/csv", params={"source": "Amt"},
                                    content=b"bezirk,einwohner\nKai,100\n", headers=headers)
    not_text = await metrics.post("/reference/population/csv", params={"source": "Amt"},
                                  content="district\nK\xe4i\n".encode("latin-1"), headers=headers)

    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"line": 3, "column": "age_band", "kind": "empty"},
        {"line": 3, "column": "year", "kind": "not_a_whole_number"},
        {"line": 3, "column": "population", "kind": "negative"},
        {"line": 4, "column": "population", "kind": "not_a_whole_number"},
        {"line": 4, "column": "year", "kind": "year_out_of_range"}]
    assert [error["column"] for error in no_columns.json()["errors"]] == [
        "district", "age_band", "year", "population"]
    assert not_text.json()["errors"] == [{"line": 1, "column": None, "kind": "not_utf8"}]
