"""The metrics service's tables: facts, per-aggregate versions, input positions."""

from __future__ import annotations

import asyncpg

from shared.projection import TRACKING_TABLES

MIGRATIONS = (
    *TRACKING_TABLES,
    """
    CREATE TABLE IF NOT EXISTS provider_facts (
        provider_id uuid PRIMARY KEY,
        name text NOT NULL,
        legal_form text NOT NULL,
        fields_of_action text[] NOT NULL,
        registered_on date NOT NULL,
        recorded_at timestamptz NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS case_facts (
        case_id uuid PRIMARY KEY,
        client_pseudonym text NOT NULL,
        field_of_action text NOT NULL,
        target_groups text[] NOT NULL,
        district text NOT NULL,
        team text NOT NULL,
        legal_basis text NOT NULL,
        age_band text NOT NULL,
        opened_on date NOT NULL,
        opened_recorded_at timestamptz NOT NULL,
        closed_on date,
        closed_recorded_at timestamptz
    )
    """,
)


async def migrate(pool: asyncpg.Pool) -> None:
    """Create what is missing; safe to run on every start."""
    async with pool.acquire() as connection, connection.transaction():
        # One migrating process at a time when several consumers start together.
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext('wirkung_metrics_schema'))")
        for statement in MIGRATIONS:
            await connection.execute(statement)
