"""The auditor's verifications over HTTP: a saved answer computed again by replay, in the
background of the metrics service, on the real broker and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from services.metrics.facts.schema import create_pool
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.topics import Topics
from tests.integration.test_metrics_consumer import publish
from tests.metrics.history import fixed_history
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_database,
    new_topics,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTION = "/indicators/active_cases?period=2026&by=district"


@dataclass
class Metrics:
    """A metrics service that has applied the fixed history from its topics."""

    client: httpx.AsyncClient
    pool: asyncpg.Pool
    auditor: dict[str, str]

    async def answer(self) -> dict[str, Any]:
        response = await self.client.get(QUESTION, headers=self.auditor)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def start(self, document: Any) -> httpx.Response:
        return await self.client.post("/verifications", json=document, headers=self.auditor)

    async def finished(self, location: str) -> dict[str, Any]:
        """Poll the verification until it has finished; every state seen on the way."""
        seen: list[dict[str, Any]] = []

        async def done() -> dict[str, Any] | None:
            response = await self.client.get(location, headers=self.auditor)
            assert response.status_code == 200, response.text
            seen.append(response.json())
            return seen[-1] if seen[-1]["state"] in ("done", "failed") else None

        verification: dict[str, Any] = await eventually(done, within=60, interval=0.2)
        verification["seen"] = [state["state"] for state in seen]
        return verification

    async def scratch_schemas(self) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'facts_verify_%'")
        return [row[0] for row in rows]


@pytest.fixture(scope="module")
async def metrics(infrastructure: Infrastructure, secret: str,
                  tokens: Tokens) -> AsyncIterator[Metrics]:
    topics: Topics = await new_topics(infrastructure)
    database_url = await new_database(infrastructure)
    history = fixed_history()
    await publish(infrastructure, topics, history)
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}",
                            disclosure_threshold=1)
    pool = await create_pool(database_url)
    try:
        async with serving(create_app(settings)) as client:
            await eventually(lambda: _applied(pool, len(history.envelopes)), within=60)
            yield Metrics(client, pool, bearer(tokens.auditor))
    finally:
        await pool.close()


async def _applied(pool: asyncpg.Pool, events: int) -> bool:
    return int(await pool.fetchval(
        "SELECT coalesce(sum(version), 0) FROM applied_versions")) >= events


async def test_an_auditor_starts_a_verification_and_reads_its_progress_then_a_match(
        metrics: Metrics) -> None:
    answer = await metrics.answer()

    started = await metrics.start(answer)
    verification = await metrics.finished(started.headers["Location"])

    assert started.status_code == 202, started.text
    assert started.headers["Location"] == f"/verifications/{started.json()['id']}"
    assert started.json()["state"] in ("queued", "running")
    assert started.json()["result_hash"] == answer["manifest"]["result_hash"]
    assert verification["state"] == "done", verification
    assert verification["verdict"]["match"] is True
    assert verification["verdict"]["differences"] == []
    assert verification["verdict"]["recomputed_hash"] == answer["manifest"]["result_hash"]
    events = len(fixed_history().envelopes)
    assert verification["verdict"]["events_replayed"] == events
    assert (verification["events_done"], verification["events_total"]) == (events, events)
    assert verification["finished_at"] >= verification["started_at"]
    assert await metrics.scratch_schemas() == []


async def test_a_caseworkers_perturbed_answer_verifies_bit_for_bit_and_an_edit_is_found(
        metrics: Metrics, tokens: Tokens) -> None:
    response = await metrics.client.get(QUESTION, headers=bearer(tokens.caseworker))
    answer = response.json()
    edited: dict[str, Any] = json.loads(json.dumps(answer))
    edited["cells"][0]["persons"] += 1

    honest = await metrics.finished((await metrics.start(answer)).headers["Location"])
    changed = await metrics.finished((await metrics.start(edited)).headers["Location"])

    assert answer["perturbed"] is True
    assert honest["state"] == "done", honest
    assert honest["verdict"]["match"] is True  # the service perturbs the replay's cells again
    assert honest["verdict"]["recomputed_hash"] == answer["manifest"]["result_hash"]
    assert changed["verdict"]["match"] is False
    assert [d["dimensions"] for d in changed["verdict"]["differences"]] == [
        {"district": edited["cells"][0]["district"]}]


async def test_an_answer_with_an_edited_cell_is_answered_with_that_cell(
        metrics: Metrics) -> None:
    answer = await metrics.answer()
    edited: dict[str, Any] = json.loads(json.dumps(answer))
    edited["cells"][0]["value"] += 5

    started = await metrics.start(edited)
    verification = await metrics.finished(started.headers["Location"])

    assert verification["state"] == "done"
    verdict = verification["verdict"]
    assert verdict["match"] is False
    assert verdict["recomputed_hash"] == answer["manifest"]["result_hash"]
    assert verdict["published_cells_hash"] != answer["manifest"]["result_hash"]
    assert verdict["differences"] == [{
        "dimensions": {"district": answer["cells"][0]["district"]},
        "published": edited["cells"][0], "recomputed": answer["cells"][0]}]


async def test_a_document_that_cannot_be_verified_is_refused_with_a_reason(
        metrics: Metrics) -> None:
    manifest = (await metrics.answer())["manifest"]
    topic = next(iter(manifest["input_positions"]))
    refused = {
        "not a manifest": {"indicator": "active_cases"},
        "no indicator no_such_indicator": {**manifest, "indicator": "no_such_indicator"},
        "changed since the answer": {**manifest, "definition_hash": "sha256:" + "0" * 64},
        "installation's are": {**manifest,
                               "input_positions": {"elsewhere.cases.events": {"0": 1}}},
        "the answer's cells are not a list": {"manifest": manifest, "cells": "none"},
    }

    for reason, document in refused.items():
        response = await metrics.start(document)
        assert response.status_code == 422, (reason, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert reason in response.json()["detail"], (reason, response.json())
    not_json = await metrics.client.post("/verifications", content=b"{not json",
                                         headers={**metrics.auditor,
                                                  "Content-Type": "application/json"})
    assert not_json.status_code == 422
    beyond = await metrics.start({**manifest, "input_positions": {topic: {"0": 10_000}}})
    assert beyond.status_code == 202
    failed = await metrics.finished(beyond.headers["Location"])
    assert failed["state"] == "failed"
    assert failed["verdict"] is None
    assert "the topics hold no event at" in failed["error"]
    assert await metrics.scratch_schemas() == []


async def test_only_an_auditor_starts_or_reads_verifications(metrics: Metrics,
                                                             tokens: Tokens) -> None:
    answer = await metrics.answer()
    started = await metrics.start(answer)
    location = started.headers["Location"]

    for token in (tokens.caseworker, tokens.contract_manager):
        refused = await metrics.client.post("/verifications", json=answer,
                                            headers=bearer(token))
        unread = await metrics.client.get(location, headers=bearer(token))
        assert (refused.status_code, unread.status_code) == (403, 403)
    anonymous = await metrics.client.get(location)
    assert anonymous.status_code == 401
    assert (await metrics.finished(location))["state"] == "done"


async def test_an_unknown_verification_is_not_found(metrics: Metrics) -> None:
    response = await metrics.client.get(f"/verifications/{uuid.uuid4()}",
                                        headers=metrics.auditor)

    assert response.status_code == 404


async def test_verifications_beyond_the_waiting_ones_are_refused_with_retry_after(
        metrics: Metrics) -> None:
    answer = await metrics.answer()

    # One replay runs at a time and three wait: started back to back, some are refused.
    started = [await metrics.start(answer) for _ in range(6)]
    accepted = [r for r in started if r.status_code == 202]
    refused = [r for r in started if r.status_code != 202]
    verdicts = [await metrics.finished(r.headers["Location"]) for r in accepted]
    again = await metrics.start(answer)

    assert 4 <= len(accepted) <= 5, [r.status_code for r in started]
    assert {r.status_code for r in refused} == {429}
    assert all(r.headers["Retry-After"].isdigit() for r in refused)
    assert refused[0].json()["title"] == "Too many verifications"
    assert all(v["verdict"]["match"] for v in verdicts)
    assert again.status_code == 202
    assert (await metrics.finished(again.headers["Location"]))["verdict"]["match"]
    assert await metrics.scratch_schemas() == []
