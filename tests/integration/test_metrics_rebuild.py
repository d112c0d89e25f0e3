"""`wirkung metrics rebuild`: fresh facts from offset zero, swapped in while readers read."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import asyncpg
import httpx
import pytest

from services.metrics.facts.schema import LIVE_SCHEMA, create_pool
from services.metrics.main import create_app
from services.metrics.migrations import MIGRATIONS, OWNER
from services.metrics.rebuild import rebuild
from services.metrics.settings import MetricsSettings
from shared.contracts import CaseOpened
from shared.migrations import latest, version
from shared.topics import Topics
from tests.integration.test_metrics_consumer import publish
from tests.metrics.history import History, fixed_history, uid
from tests.metrics.support import every_indicator, fact_rows
from tests.migrations.facts_schema import described
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_database,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def applied(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT coalesce(sum(version), 0) FROM applied_versions"))


async def keep_reading(client: httpx.AsyncClient, token: str,
                       answers: list[tuple[int, object]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        response = await client.get("/indicators/active_cases?period=2026",
                                    headers=bearer(token))
        answers.append((response.status_code, response.json()["cells"][0]["value"]))
        await asyncio.sleep(0.01)


async def test_the_rebuilt_facts_equal_the_incremental_ones_and_readers_are_answered_meanwhile(
        infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens) -> None:
    history = fixed_history()
    await publish(infrastructure, topics, history)
    settings = settings_for(MetricsSettings, database_url=await new_database(infrastructure),
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}",
                            disclosure_threshold=1)
    pool = await create_pool(settings.database_url)
    try:
        async with serving(create_app(settings)) as client:
            await eventually(lambda: _reached(pool, len(history.envelopes)), within=60)
            incremental = await fact_rows(pool), await every_indicator(pool)
            answers: list[tuple[int, object]] = []
            stop = asyncio.Event()
            reader = asyncio.create_task(keep_reading(client, tokens.auditor, answers, stop))
            progress: list[tuple[int, int]] = []
            migrated = await described(settings.database_url, LIVE_SCHEMA)

            outcome = await rebuild(settings, lambda done, total: progress.append((done, total)))
            stop.set()
            await reader

            assert await fact_rows(pool) == incremental[0]
            assert await every_indicator(pool) == incremental[1]
            assert outcome.events == len(history.envelopes)
            assert progress[0][0] == 0
            assert progress[-1] == (len(history.envelopes), len(history.envelopes))
            assert answers
            assert set(answers) == {(200, 7.0)}
            schemas = {row[0] for row in await pool.fetch("SELECT nspname FROM pg_namespace")}
            assert {"facts_rebuild", "facts_retired"} & schemas == set()
            # The fresh facts swapped in are what the migrations recorded made.
            assert await described(settings.database_url, LIVE_SCHEMA) == migrated
            assert version(settings.database_url, OWNER) == latest(MIGRATIONS)

            await publish(infrastructure, topics, one_more_case())
            await eventually(lambda: _reached(pool, len(history.envelopes) + 1), within=60)
    finally:
        await pool.close()


async def _reached(pool: asyncpg.Pool, events: int) -> bool:
    return await applied(pool) >= events


def one_more_case() -> History:
    """A case opened after the rebuild: the live consumer applies it to the new facts."""
    history = History()
    history.add("cases", uid("K8"), CaseOpened(
        case_id=uid("K8"), client_pseudonym="p8", field_of_action="arbeit",
        target_groups=[], district="Hafen", team="asd-nord", legal_basis="SGB II §16",
        age_band="27-44", occurred_on=date(2026, 7, 1), actor="cw-1"))
    return history
