"""Where the facts live: one PostgreSQL schema, swapped whole by a rebuild.

The service reads and writes the schema `facts` through the connections'
`search_path`, so a rebuild can fill `facts_rebuild` beside it and swap the
two by renaming them in one transaction. The reference population is not
derived from the topics; it lives in the schema `reference`, which no
rebuild touches. Both are made by the migrations (`services.metrics.migrations`).
"""

from __future__ import annotations

import asyncpg

from services.metrics.migrations import LIVE_SCHEMA, REFERENCE, fact_statements

__all__ = ["LIVE_SCHEMA", "REBUILD_SCHEMA", "SWAP_LOCK", "SWAP_LOCK_EXCLUSIVE",
           "create_pool", "migrate"]

REBUILD_SCHEMA = "facts_rebuild"
# Held shared by every batch of the live consumer, exclusively by the swap.
SWAP_LOCK = "SELECT pg_advisory_xact_lock_shared(hashtext('wirkung_metrics_facts'))"
SWAP_LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(hashtext('wirkung_metrics_facts'))"


async def create_pool(database_url: str, schema: str = LIVE_SCHEMA, *,
                      max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see `schema` as their facts."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=max_size,
        server_settings={"search_path": schema})
    return pool


async def migrate(pool: asyncpg.Pool, schema: str = LIVE_SCHEMA) -> None:
    """Make the facts of a fresh `schema` (a rebuild's, a verification replay's, a scratch
    database's) and the reference tables, by every migration's statements at once, recorded
    nowhere. The service migrates its live facts by `services.metrics.migrations`."""
    async with pool.acquire() as connection, connection.transaction():
        # One at a time: replays made at once share the reference tables.
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext('wirkung_metrics_schema'))")
        for statement in (*REFERENCE, *fact_statements(schema)):
            await connection.execute(statement)
