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
from typing import Any

import asyncpg

from services.metrics.facts.schema import LIVE_SCHEMA, REBUILD_SCHEMA, SWAP_LOCK_EXCLUSIVE
from services.metrics.migrations import prepare_database
from services.metrics.replay import Progress, Replayed, replaying
from services.metrics.settings import MetricsSettings
from shared.topics import Topics

RETIRED_SCHEMA = "facts_retired"


class RebuildRunning(RuntimeError):
    """Another rebuild holds the facts' rebuild lock."""


Rebuilt = Replayed  # what a rebuild read and applied


async def rebuild(settings: MetricsSettings, progress: Progress | None = None,
                  batch_size: int = 5000) -> Rebuilt:
    """Replay both topics into a fresh schema and swap it in once caught up.

    The live facts are migrated first (a database migrated by newer code is refused,
    `DatabaseNewerThanCode`): the fresh schema, made by every migration of this code, then
    replaces facts at the version the database records.
    """
    await asyncio.to_thread(prepare_database, settings.database_url)
    topics = Topics(settings.topic_prefix)
    admin = await asyncpg.connect(settings.database_url)
    try:
        # One rebuild at a time: the lock is held as long as this connection is open.
        if not await admin.fetchval(
                "SELECT pg_try_advisory_lock(hashtext('wirkung_metrics_rebuild'))"):
            raise RebuildRunning("another rebuild of these facts is running")
        await admin.execute(f"DROP SCHEMA IF EXISTS {REBUILD_SCHEMA} CASCADE")
        return await _rebuild(settings, topics, progress, batch_size)
    finally:
        await admin.close()


async def _rebuild(settings: MetricsSettings, topics: Topics, progress: Progress | None,
                   batch_size: int) -> Rebuilt:
    async with replaying(settings.database_url, REBUILD_SCHEMA,
                         settings.kafka_bootstrap_servers, [topics.agreements, topics.cases],
                         batch_size=batch_size) as replay:
        await replay.catch_up(progress)
        await _swap(settings.database_url, lambda: replay.catch_up(progress))
    return replay.outcome


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
