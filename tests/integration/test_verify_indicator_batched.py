"""Replays of a system whose relays publish many events per batch: verification, rebuild.

As after `make run`: demo data recorded straight into the event stores, the
relays publishing it in batches of hundreds, the metrics service applying
it; an auditor fetches answers over HTTP and verifies them. (The development
broker reports, as a partition's end offset, less than the offset after its
last record when that record came in a batch: a replay must not trust it.)
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from services.metrics.facts.schema import create_pool
from services.metrics.rebuild import rebuild
from services.metrics.settings import MetricsSettings
from tests.integration.demo import seed_small_demo, three_services
from tests.integration.test_audit_report import settled
from tests.integration.test_verify_indicator import Metrics
from tests.metrics.support import fact_rows
from tests.support import (
    Infrastructure,
    Tokens,
    eventually,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = (
    "/indicators/planned_closure_rate?period=2026&by=district",
    "/indicators/active_cases?period=2026&by=field_of_action",
    "/indicators/budget_utilisation?period=2026&by=field_of_action",
)


def seed(urls: dict[str, str]) -> None:
    # Cases up to the demo's day, so that they fall into the 2026 of the questions.
    seed_small_demo(urls, providers=8, per_provider=2, cases=300)


@dataclass
class Demo:
    """The metrics service of a system with demo data, every event relayed and applied."""

    metrics: Metrics
    settings: MetricsSettings

    async def events(self) -> int:
        """How many events the topics hold: the service applied them all, from offset 0."""
        return int(await self.metrics.pool.fetchval(
            "SELECT sum(last_offset + 1) FROM input_positions"))


@pytest.fixture(scope="module")
async def demo(infrastructure: Infrastructure, secret: str, tokens: Tokens,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Demo]:
    async with three_services(infrastructure, secret, metrics={
            "consumer_group": f"metrics-{uuid.uuid4().hex[:8]}"}) as running, \
            AsyncExitStack() as stack:
        topics, urls, client = running.topics, running.urls, running.clients["metrics"]
        await asyncio.to_thread(seed, urls)
        await eventually(lambda: settled(urls, topics), within=180, interval=1.0)
        pool = await create_pool(urls["metrics"])
        stack.push_async_callback(pool.close)
        environment = {"WIRKUNG_METRICS_DATABASE_URL": urls["metrics"],
                       "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
                       "WIRKUNG_TOPIC_PREFIX": topics.prefix}
        yield Demo(Metrics(client, pool, environment, tokens.auditor,
                           tmp_path_factory.mktemp("verify-batched")), running.metrics_settings)


async def test_answers_of_several_indicators_match_their_replay(demo: Demo) -> None:
    for number, question in enumerate(QUESTIONS):
        answer = await demo.metrics.answer(question)

        result = demo.metrics.verify(demo.metrics.save(answer, f"answer-{number}.json"))

        assert answer["cells"], question
        assert result.returncode == 0, (question, result.stdout, result.stderr)
        assert result.stdout.rstrip().endswith("match"), (question, result.stdout)
    assert await demo.metrics.scratch_schemas() == []


async def test_an_answer_with_an_edited_cell_names_that_cell(demo: Demo) -> None:
    answer = await demo.metrics.answer(QUESTIONS[0])
    edited: dict[str, Any] = json.loads(json.dumps(answer))
    cell = next(cell for cell in edited["cells"] if cell["value"] is not None)
    cell["value"] = round(cell["value"] / 2, 4)

    result = demo.metrics.verify(demo.metrics.save(edited, "edited.json"))

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "MISMATCH: 1 cell(s) differ" in result.stdout
    assert f"district={cell['district']}" in result.stdout


async def test_a_position_one_past_a_partitions_last_event_is_refused(demo: Demo) -> None:
    manifest = (await demo.metrics.answer(QUESTIONS[0]))["manifest"]
    # Every event is applied, so the manifest's positions are the partitions' last events.
    topic, partitions = next(iter(manifest["input_positions"].items()))
    partition, last = next(iter(partitions.items()))
    beyond = {**manifest, "input_positions": {topic: {partition: last + 1}}}

    result = demo.metrics.verify(demo.metrics.save(beyond, "beyond.json"))

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"no event at {topic}[{partition}] at offset {last + 1}" in result.stderr


async def test_a_rebuild_reads_every_event_and_counts_them_right(demo: Demo) -> None:
    events, incremental = await demo.events(), await fact_rows(demo.metrics.pool)
    progress: list[tuple[int, int]] = []

    outcome = await rebuild(demo.settings, lambda done, total: progress.append((done, total)))

    assert outcome.events == events
    assert progress[0] == (0, events)
    assert progress[-1] == (events, events)
    assert await fact_rows(demo.metrics.pool) == incremental
