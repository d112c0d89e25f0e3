"""The tables of the stores every write service keeps in its own database: the access
log, the audit chain, idempotency keys and relay positions (see `shared.migrations`).

They are recorded under the owner `stores` in each write service's database, applied
when the service starts (and by `wirkung migrate`) before any store opens.
"""

from __future__ import annotations

from shared.migrations import Migration, apply

OWNER = "stores"

MIGRATIONS = (
    # As the stores created their tables on opening before migrations existed:
    # idempotent, so a database made by older code is taken over as it is.
    Migration(1, "access log, audit chain, idempotency keys, relay positions", (
        """CREATE TABLE IF NOT EXISTS access_log (
            id bigserial PRIMARY KEY, at timestamptz NOT NULL, subject text NOT NULL,
            role text NOT NULL, object_type text NOT NULL, object_ref text NOT NULL,
            purpose text NOT NULL, granted boolean NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS access_log_object ON access_log (object_ref, at)",
        # Came later: entries logged before name no person (read them by object_ref).
        "ALTER TABLE access_log ADD COLUMN IF NOT EXISTS client_pseudonym text",
        "CREATE INDEX IF NOT EXISTS access_log_person ON access_log (client_pseudonym, at)",
        # The auditor's report counts a period's accesses.
        "CREATE INDEX IF NOT EXISTS access_log_at ON access_log (at)",
        """CREATE TABLE IF NOT EXISTS audit_chain (
            position bigint PRIMARY KEY, aggregate_id text NOT NULL,
            version integer NOT NULL, topic text NOT NULL, state_hash bytea NOT NULL,
            chain_hash bytea NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS audit_checkpoints (
            position bigint PRIMARY KEY, service text NOT NULL, chain_hash bytea NOT NULL,
            signed_at timestamptz NOT NULL, signature bytea NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS idempotency_keys (
            scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
            status integer, headers jsonb, body bytea,
            created_at timestamptz NOT NULL DEFAULT now(), saved_at timestamptz,
            PRIMARY KEY (scope, key))""",
        "ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS saved_at timestamptz",
        # Rows of an earlier release hold their key and answer as they were: they would
        # never match a retry again (keys are looked up by digest now), and go.
        """ALTER TABLE idempotency_keys
            ADD COLUMN IF NOT EXISTS sealed boolean NOT NULL DEFAULT false""",
        "DELETE FROM idempotency_keys WHERE NOT sealed",
        """CREATE TABLE IF NOT EXISTS relay_positions (
            topic text PRIMARY KEY, notification_id bigint NOT NULL,
            published bigint NOT NULL DEFAULT 0,
            recorded_at timestamptz NOT NULL DEFAULT now())""",
        # Came later, and was not added to tables made before (their relay then failed).
        """ALTER TABLE relay_positions
            ADD COLUMN IF NOT EXISTS published bigint NOT NULL DEFAULT 0""",
    )),
)


def prepare_stores(database_url: str) -> None:
    """Bring the stores' tables in a write service's database up to this code's version."""
    apply(database_url, OWNER, MIGRATIONS)
