"""The broker stopped and restarted in the middle of a stream.

The development broker keeps nothing, so after its restart the topics are
empty: the relay rebuilds them from the event store, the projection re-reads
them and skips what it had applied. Nothing is lost, nothing counted twice.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared.embedded import EmbeddedBroker
from shared.embedded.process import free_port
from shared.embedded.stack import create_topics
from shared.topics import Topics
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_database,
    read_topic,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_after_a_broker_restart_nothing_is_lost_and_nothing_counted_twice(
        infrastructure: Infrastructure, secret: str, tokens: Tokens, tmp_path: Path) -> None:
    broker = EmbeddedBroker(free_port(), tmp_path / "broker.log")
    await asyncio.to_thread(broker.start)
    ours = Infrastructure(infrastructure.admin_database_url, broker.bootstrap_servers,
                          None, broker, tmp_path)
    topics = Topics(prefix=f"restart-{uuid.uuid4().hex[:8]}")
    await create_topics(broker.bootstrap_servers, topics.all())
    metrics_db = await new_database(infrastructure)
    common: dict[str, Any] = {"infrastructure": ours, "topic_prefix": topics.prefix,
                              "secret": secret}
    agreements = agreements_app(settings_for(
        AgreementsSettings, database_url=await new_database(infrastructure), **common))
    metrics = metrics_app(settings_for(MetricsSettings, database_url=metrics_db,
                                       consumer_group=f"m-{uuid.uuid4().hex[:6]}", **common))
    try:
        async with serving(agreements) as client, serving(metrics):
            async def register(name: str) -> None:
                response = await client.post("/providers", headers=bearer(
                    tokens.contract_manager), json={"name": name, "legal_form": "e.V.",
                                                    "fields_of_action": ["jugend"]})
                assert response.status_code == 201

            async def applied(count: int) -> list[Any] | None:
                connection = await asyncpg.connect(metrics_db)
                try:
                    rows = await connection.fetch("SELECT version FROM facts.applied_versions")
                finally:
                    await connection.close()
                return rows if len(rows) >= count else None

            for number in range(3):
                await register(f"Vorher {number}")
            await eventually(lambda: applied(3), within=60)

            await asyncio.to_thread(broker.stop)
            for number in range(2):
                await register(f"Während {number}")  # stored; the relay cannot publish
            await asyncio.to_thread(broker.start)
            await create_topics(broker.bootstrap_servers, topics.all())

            rows = await eventually(lambda: applied(5), within=120, interval=1.0)
            await asyncio.sleep(2.0)
            rows = await applied(5) or []
            assert len(rows) == 5  # every provider once
            assert {row["version"] for row in rows} == {1}
            republished = await read_topic(broker.bootstrap_servers, topics.agreements,
                                           expected=5, within=30)
            assert len({record.key for record in republished}) == 5
    finally:
        await asyncio.to_thread(broker.stop)
