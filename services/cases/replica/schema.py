"""Tables of the agreements replica in the cases database, created on start."""

from __future__ import annotations

import asyncpg
from psycopg_pool import ConnectionPool

from shared.projection import TRACKING_TABLES

LOCK = "SELECT pg_advisory_xact_lock(hashtext('wirkung_cases_replica'))"

REPLICA_TABLES = (
    """CREATE TABLE IF NOT EXISTS replica_agreements (
        agreement_id uuid PRIMARY KEY, provider_id uuid NOT NULL,
        field_of_action text NOT NULL, districts text[] NOT NULL,
        pricing_unit text NOT NULL, capacity integer NOT NULL,
        term_start date NOT NULL, term_end date NOT NULL,
        signed_on date, termination_date date,
        version integer NOT NULL, recorded_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS replica_suspensions (
        id bigserial PRIMARY KEY, agreement_id uuid NOT NULL,
        since date NOT NULL, until date)""",
    """CREATE INDEX IF NOT EXISTS replica_suspensions_agreement
        ON replica_suspensions (agreement_id)""",
    # What caseworkers choose an agreement by. Added later: a replica built before has them
    # empty until it is rebuilt (`rebuild_replica`, or a new consumer group).
    """ALTER TABLE replica_agreements ADD COLUMN IF NOT EXISTS title text,
        ADD COLUMN IF NOT EXISTS unit_price_cents bigint""",
    """CREATE INDEX IF NOT EXISTS replica_agreements_field
        ON replica_agreements (field_of_action)""",
    # Providers come on their own key, so in no fixed order with their agreements: a join.
    """CREATE TABLE IF NOT EXISTS replica_providers (
        provider_id uuid PRIMARY KEY, name text NOT NULL,
        version integer NOT NULL, recorded_at timestamptz NOT NULL)""",
    # Messages the replica could not apply: kept, never dropped, for an operator to look at.
    """CREATE TABLE IF NOT EXISTS replica_dead_letters (
        id bigserial PRIMARY KEY, key bytea, value bytea, headers jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now())""",
)

# What a rebuild empties: the replica and the record of what it applied.
REBUILT_TABLES = ("replica_agreements", "replica_suspensions", "replica_providers",
                  "applied_versions", "input_positions")


def create_tables(pool: ConnectionPool) -> None:
    """Create what is missing (from the application's side, synchronously)."""
    with pool.connection() as connection:
        connection.execute(LOCK)
        for statement in (*TRACKING_TABLES, *REPLICA_TABLES):
            connection.execute(statement)


async def migrate(pool: asyncpg.Pool) -> None:
    """Create what is missing (from the consumer's side); safe on every start."""
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(LOCK)
        for statement in (*TRACKING_TABLES, *REPLICA_TABLES):
            await connection.execute(statement)
