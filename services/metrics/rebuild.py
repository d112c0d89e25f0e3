"""Rebuild the facts: replay both topics from offset zero into a fresh schema, then swap.

The service goes on answering from `facts` while `facts_rebuild` fills. Once
the rebuild has caught up, it takes the swap lock (which the live consumer
holds, shared, in every batch), applies what arrived meanwhile, and renames
the two schemas in one transaction; readers see the old facts or the new,
never a mix. The live consumer's next batch lands in the new facts, where
the version tracking skips what the rebuild already applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.metrics.consumer import metrics_consumer
from services.metrics.facts.schema import (
    LIVE_SCHEMA,
    REBUILD_SCHEMA,
    SWAP_LOCK_EXCLUSIVE,
    create_pool,
    migrate,
)
from services.metrics.settings import MetricsSettings
from shared.envelope import Headers
from shared.topics import Topics

RETIRED_SCHEMA = "facts_retired"
Progress = Callable[[int, int], None]  # events read so far, events to read


class RebuildRunning(RuntimeError):
    """Another rebuild holds the facts' rebuild lock."""


@dataclass
class Rebuilt:
    """What a rebuild read and applied."""

    events: int = 0
    dead_letters: int = 0


async def rebuild(settings: MetricsSettings, progress: Progress | None = None,
                  batch_size: int = 5000) -> Rebuilt:
    """Replay both topics into a fresh schema and swap it in once caught up."""
    topics = Topics(settings.topic_prefix)
    outcome = Rebuilt()
    admin = await asyncpg.connect(settings.database_url)
    try:
        # One rebuild at a time: the lock is held as long as this connection is open.
        if not await admin.fetchval(
                "SELECT pg_try_advisory_lock(hashtext('wirkung_metrics_rebuild'))"):
            raise RebuildRunning("another rebuild of these facts is running")
        await admin.execute(f"DROP SCHEMA IF EXISTS {REBUILD_SCHEMA} CASCADE")
        return await _rebuild(settings, topics, outcome, progress, batch_size)
    finally:
        await admin.close()


async def _rebuild(settings: MetricsSettings, topics: Topics, outcome: Rebuilt,
                   progress: Progress | None, batch_size: int) -> Rebuilt:
    pool = await create_pool(settings.database_url, REBUILD_SCHEMA, max_size=2)
    reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers,
                              enable_auto_commit=False, fetch_max_bytes=16 * 1024 * 1024,
                              max_partition_fetch_bytes=4 * 1024 * 1024)
    await reader.start()
    try:
        await migrate(pool, REBUILD_SCHEMA)

        async def count_dead_letter(key: bytes | None, value: bytes | None,
                                    headers: Headers) -> Awaitable[None]:
            # The live consumer sent these to the dead-letter topic already.
            outcome.dead_letters += 1
            return asyncio.sleep(0)

        projection = metrics_consumer(
            pool=pool, bootstrap_servers=settings.kafka_bootstrap_servers,
            topics=[topics.agreements, topics.cases], group_id="", swap_lock=False,
            dead_letter=count_dead_letter, batch_size=batch_size)
        partitions = await _assign_from_the_beginning(reader, [topics.agreements, topics.cases])

        async def behind(ends: dict[TopicPartition, int]) -> int:
            return sum([max(0, ends[tp] - await reader.position(tp)) for tp in partitions])

        async def catch_up() -> None:
            ends = await reader.end_offsets(partitions)
            total = outcome.events + await behind(ends)
            if progress is not None:
                progress(outcome.events, total)
            while await behind(ends):
                batches = await reader.getmany(timeout_ms=500, max_records=batch_size)
                records = [record for part in batches.values() for record in part]
                if records:
                    await projection.process(records)
                    outcome.events += len(records)
                    if progress is not None:
                        progress(outcome.events, total)

        await catch_up()
        await _swap(settings.database_url, catch_up)
    finally:
        await reader.stop()
        await pool.close()
    return outcome


async def _assign_from_the_beginning(reader: AIOKafkaConsumer,
                                     topics: list[str]) -> list[TopicPartition]:
    await reader._client.force_metadata_update()
    partitions = [TopicPartition(topic, partition) for topic in topics
                  for partition in sorted(reader.partitions_for_topic(topic) or ())]
    reader.assign(partitions)
    await reader.seek_to_beginning(*partitions)
    return partitions


async def _swap(database_url: str, catch_up: Callable[[], Awaitable[Any]]) -> None:
    """Between two batches of the live consumer: apply the rest, rename the schemas."""
    connection = await asyncpg.connect(database_url)
    try:
        async with connection.transaction():
            await connection.execute(SWAP_LOCK_EXCLUSIVE)
            await catch_up()
            await connection.execute(f"DROP SCHEMA IF EXISTS {RETIRED_SCHEMA} CASCADE")
            exists = await connection.fetchval(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1", LIVE_SCHEMA)
            if exists:
                await connection.execute(f"ALTER SCHEMA {LIVE_SCHEMA} RENAME TO {RETIRED_SCHEMA}")
            await connection.execute(f"ALTER SCHEMA {REBUILD_SCHEMA} RENAME TO {LIVE_SCHEMA}")
        # Readers still in the old facts finish there; dropping them waits for them.
        await connection.execute(f"DROP SCHEMA IF EXISTS {RETIRED_SCHEMA} CASCADE")
    finally:
        await connection.close()
