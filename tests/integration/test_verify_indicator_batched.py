"""`wirkung audit verify-indicator` on a system whose relays publish many events per batch.

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
from typing import Any

import pytest

from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.cases.main import create_app as cases_app
from services.cases.settings import CasesSettings
from services.metrics.facts.schema import create_pool
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from tests.integration.test_audit_report import WRITERS, seed, settled
from tests.integration.test_verify_indicator import Metrics
from tests.support import (
    Infrastructure,
    Tokens,
    eventually,
    new_database,
    new_topics,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = (
    "/indicators/planned_closure_rate?period=2026&by=district",
    "/indicators/active_cases?period=2026&by=field_of_action",
    "/indicators/budget_utilisation?period=2026&by=field_of_action",
)


@pytest.fixture(scope="module")
async def demo(infrastructure: Infrastructure, secret: str, tokens: Tokens,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Metrics]:
    topics = await new_topics(infrastructure)
    urls = {name: await new_database(infrastructure) for name in (*WRITERS, "metrics")}

    def settings(kind: type[Any], name: str, **extra: Any) -> Any:
        return settings_for(kind, database_url=urls[name], infrastructure=infrastructure,
                            topic_prefix=topics.prefix, secret=secret, **extra)

    async with AsyncExitStack() as stack:
        await stack.enter_async_context(serving(agreements_app(
            settings(AgreementsSettings, "agreements"))))
        await stack.enter_async_context(serving(cases_app(settings(CasesSettings, "cases"))))
        client = await stack.enter_async_context(serving(metrics_app(settings(
            MetricsSettings, "metrics", consumer_group=f"metrics-{uuid.uuid4().hex[:8]}"))))
        await asyncio.to_thread(seed, urls)
        await eventually(lambda: settled(urls, topics), within=180, interval=1.0)
        pool = await create_pool(urls["metrics"])
        stack.push_async_callback(pool.close)
        environment = {"WIRKUNG_METRICS_DATABASE_URL": urls["metrics"],
                       "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
                       "WIRKUNG_TOPIC_PREFIX": topics.prefix}
        yield Metrics(client, pool, environment, tokens.auditor,
                      tmp_path_factory.mktemp("verify-batched"))


async def test_answers_of_several_indicators_match_their_replay(demo: Metrics) -> None:
    for number, question in enumerate(QUESTIONS):
        answer = await demo.answer(question)

        result = demo.verify(demo.save(answer, f"answer-{number}.json"))

        assert answer["cells"], question
        assert result.returncode == 0, (question, result.stdout, result.stderr)
        assert result.stdout.rstrip().endswith("match"), (question, result.stdout)
    assert await demo.scratch_schemas() == []


async def test_an_answer_with_an_edited_cell_names_that_cell(demo: Metrics) -> None:
    answer = await demo.answer(QUESTIONS[0])
    edited: dict[str, Any] = json.loads(json.dumps(answer))
    cell = next(cell for cell in edited["cells"] if cell["value"] is not None)
    cell["value"] = round(cell["value"] / 2, 4)

    result = demo.verify(demo.save(edited, "edited.json"))

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "MISMATCH: 1 cell(s) differ" in result.stdout
    assert f"district={cell['district']}" in result.stdout
