"""The write services' stores on a database whose tables each were made by the first
code that had them: migrated, they keep every row, and today's stores read and write."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import psycopg

from shared.access_log import Access, PostgresAccessLog
from shared.audit.store import AuditStore
from shared.migrations import version
from shared.relay import PostgresRelayPositions
from shared.store_migrations import MIGRATIONS, OWNER, prepare_stores
from tests.migrations.old_code import export, first_commit_creating
from tests.support import Infrastructure, new_database

# Per table: what the old code runs to open its store (making the table), then a row.
OLD_STORES = {
    "relay_positions": """
from shared.relay import PostgresRelayPositions
PostgresRelayPositions(URL).record("agreements", 41)
""",
    "idempotency_keys": """
import asyncio
from shared.idempotency import PostgresIdempotencyStore
store = PostgresIdempotencyStore(URL)
asyncio.run(store.start())
psycopg.connect(URL, autocommit=True).execute(
    "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ('s', 'k', 'f')")
""",
    "access_log": """
from shared.access_log import PostgresAccessLog
PostgresAccessLog(URL)
psycopg.connect(URL, autocommit=True).execute(
    "INSERT INTO access_log (at, subject, role, object_type, object_ref, purpose, granted) "
    "VALUES ('2026-01-02T10:00:00Z', 'fr.mueller', 'caseworker', 'case', 'case-1', "
    "'Fallbearbeitung', true)")
""",
    "audit_chain": """
from shared.audit.store import AuditStore
AuditStore(URL)
psycopg.connect(URL, autocommit=True).execute(
    "INSERT INTO audit_chain VALUES (1, 'a', 1, 'Provider.Registered', 'state', 'chain')")
""",
}


async def test_a_database_of_the_stores_first_code_upgrades_without_losing_a_row(
        infrastructure: Infrastructure, tmp_path: Path) -> None:
    database_url = await new_database(infrastructure)
    for table, script in OLD_STORES.items():
        old = export(first_commit_creating(f"CREATE TABLE IF NOT EXISTS {table}"),
                     tmp_path / table, folders=("shared",))
        code = f"import psycopg\nURL = {database_url!r}\n{script}"
        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], check=True,
                                env={"PYTHONPATH": str(old)}, cwd=old)

    await asyncio.to_thread(prepare_stores, database_url)

    assert version(database_url, OWNER) == len(MIGRATIONS)
    positions = PostgresRelayPositions(database_url)
    access_log = PostgresAccessLog(database_url)
    audit = AuditStore(database_url)
    try:
        # The first relay positions had no published count: the migration adds it.
        assert (positions.get("agreements"), positions.published("agreements")) == (41, 0)
        positions.record("agreements", 42, 1)
        assert (positions.get("agreements"), positions.published("agreements")) == (42, 1)
        [entry] = access_log.entries(object_ref="case-1")
        assert (entry.subject, entry.client_pseudonym) == ("fr.mueller", None)
        access_log.record(Access(subject="fr.mueller", role="caseworker", object_type="case",
                                 object_ref="case-1", purpose="Fallbearbeitung",
                                 granted=True, client_pseudonym="p-1"))
        assert len(access_log.entries(object_ref="case-1")) == 2
        assert audit.last_link() == (1, b"chain")
    finally:
        positions.close()
        access_log.close()
        audit.close()
    with psycopg.connect(database_url) as connection:
        keys = connection.execute("SELECT count(*) FROM idempotency_keys").fetchone()
    # The one row that goes, on purpose: an answer kept unsealed by the first release
    # could never match a retry again (keys are looked up by their digest now).
    assert keys == (0,)
