"""Where the facts live: one PostgreSQL schema, swapped whole by a rebuild.

The service reads and writes the schema `facts` through the connections'
`search_path`, so a rebuild can fill `facts_rebuild` beside it and swap the
two by renaming them in one transaction. The reference population is not
derived from the topics; it lives in the schema `reference`, which no
rebuild touches.
"""

from __future__ import annotations

import asyncpg

from services.metrics.facts.tables import FACT_TABLES
from services.metrics.indicators import agreement_units, case_units
from shared.projection import TRACKING_TABLES

LIVE_SCHEMA = "facts"
REBUILD_SCHEMA = "facts_rebuild"
# Held shared by every batch of the live consumer, exclusively by the swap.
SWAP_LOCK = "SELECT pg_advisory_xact_lock_shared(hashtext('wirkung_metrics_facts'))"
SWAP_LOCK_EXCLUSIVE = "SELECT pg_advisory_xact_lock(hashtext('wirkung_metrics_facts'))"

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS case_status_case ON case_status (case_id)",
    "CREATE INDEX IF NOT EXISTS case_services_case ON case_services (case_id)",
)

REFERENCE = (
    "CREATE SCHEMA IF NOT EXISTS reference",
    """
    CREATE TABLE IF NOT EXISTS reference.population (
        district text NOT NULL,
        age_band text NOT NULL,
        year integer NOT NULL,
        population integer NOT NULL CHECK (population >= 0),
        source text NOT NULL,
        imported_by text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )
    """,
)


def fact_statements(schema: str) -> list[str]:
    """DDL for the facts and the consumer's tracking tables in `schema`."""
    return [f"CREATE SCHEMA IF NOT EXISTS {schema}", f"SET LOCAL search_path TO {schema}",
            *TRACKING_TABLES, *(table.ddl() for table in FACT_TABLES), *_INDEXES,
            *case_units.TABLES, *agreement_units.TABLES]


async def create_pool(database_url: str, schema: str = LIVE_SCHEMA, *,
                      max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see `schema` as their facts."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=max_size,
        server_settings={"search_path": schema})
    return pool


async def migrate(pool: asyncpg.Pool, schema: str = LIVE_SCHEMA) -> None:
    """Create what is missing; safe to run on every start."""
    async with pool.acquire() as connection, connection.transaction():
        # One migrating process at a time when several consumers start together.
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext('wirkung_metrics_schema'))")
        for statement in (*REFERENCE, *fact_statements(schema)):
            await connection.execute(statement)
