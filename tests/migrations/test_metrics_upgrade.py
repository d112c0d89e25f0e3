"""The metrics service starts on facts made by the first code that had them (and by the last
code before its migrations), and upgrades them without losing a row."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from services.metrics.facts.schema import LIVE_SCHEMA, REBUILD_SCHEMA, create_pool, migrate
from services.metrics.main import create_app
from services.metrics.migrations import MIGRATIONS, OWNER
from services.metrics.settings import MetricsSettings
from shared.migrations import latest, version
from tests.migrations.facts_schema import described
from tests.migrations.old_code import export, first_commit_with, last_commit_before
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    new_database,
    new_topics,
    serving,
    settings_for,
)

# Run by the old code: its own schema function makes the facts (as its service did on
# starting), then a row goes into every table it made, in its columns' order.
OLD_FACTS = """
import asyncio
import sys
from datetime import UTC, datetime

import asyncpg

from services.metrics.facts.schema import create_pool, migrate

url, provider, agreement, report, client, goal, service, *cases = sys.argv[1:]
AT = datetime(2026, 4, 10, 10, tzinfo=UTC)


async def main():
    pool = await create_pool(url)
    await migrate(pool)
    await pool.close()
    connection = await asyncpg.connect(url, server_settings={"search_path": "facts"})
    for statement, *arguments in (
        ("INSERT INTO provider_facts VALUES ($1, 1, 'registered', 'Nordlicht e.V.', 'e.V.', "
         "'{jugend}', '2026-01-02', $2)", provider),
        ("INSERT INTO agreement_facts VALUES ($1, 1, 'drafted', '2026-01-01', $2, 'Hilfe', "
         "'BP-1', 'jugend', '{}', '{Nord}', '2026-01-01', '2026-12-31', 100000, 'hour', 5000, "
         "5, '[]', 'quarterly', 30, NULL, '2026-01-03', $3)", agreement, provider),
        ("INSERT INTO report_facts VALUES ($1, 1, 'submitted', 1, $2, $3, '2026-Q1', "
         "'2026-01-01', '2026-03-31', '2026-04-30', false, 3, 12.5, 60000, NULL, "
         "'2026-04-10', $4)", report, agreement, provider),
        ("INSERT INTO report_outcomes VALUES ($1, 1, 'schule', 2, 3, '2026-04-10', $2)",
         report),
        ("INSERT INTO client_facts VALUES ($1, 1, 'registered', 'p-1', 'w', 'asd-nord', "
         "'2026-01-05', $2)", client),
        *(("INSERT INTO case_opened VALUES ($1, 1, 'p-1', 'jugend', '{}', 'Nord', "
           "'asd-nord', 'SGB VIII §27', '18-26', '2026-02-01', $2)", case) for case in cases),
        ("INSERT INTO case_status VALUES ($1, 2, 'closed', 'planned', '2026-03-01', $2)",
         cases[-1]),
        ("INSERT INTO case_goals VALUES ($1, $2, 2, 1.0, 2, '2026-02-02', $3)", cases[0], goal),
        ("INSERT INTO goal_reviews VALUES ($1, $2, 3, 3, '2026-03-02', $3)", cases[0], goal),
        ("INSERT INTO case_services VALUES ($1, $2, 4, 'started', $3, 10, 'hour', "
         "'2026-02-03', '2026-02-03', $4)", cases[0], service, agreement),
        ("INSERT INTO deliveries VALUES ($1, $2, 5, '2026-02', '2026-02-01', '2026-02-28', 4, "
         "'2026-02-28', $3)", cases[0], service),
        ("INSERT INTO applied_versions (aggregate_id, version) VALUES ($1, 5)", cases[0]),
        ("INSERT INTO input_positions VALUES ('cases', 0, 9)",),
        ("INSERT INTO reference.population (district, age_band, year, population, source, "
         "imported_by) VALUES ('Nord', '18-26', 2026, 1000, 'Register', 'cm-1')",),
    ):
        at = [AT] if statement.count("$") > len(arguments) else []
        await connection.execute(statement, *arguments, *at)
    await connection.close()


asyncio.run(main())
"""

OLD_TABLES = ("provider_facts", "agreement_facts", "report_facts", "report_outcomes",
              "client_facts", "case_opened", "case_status", "case_goals", "goal_reviews",
              "case_services", "deliveries", "applied_versions", "input_positions",
              "reference.population")


async def rows(database_url: str) -> dict[str, list[str]]:
    """Every row of the tables the old code made, as text."""
    connection = await asyncpg.connect(database_url, server_settings={"search_path": "facts"})
    try:
        return {table: sorted(row[0] for row in await connection.fetch(
            f"SELECT t::text FROM {table} t")) for table in OLD_TABLES}  # noqa: S608
    finally:
        await connection.close()


@pytest.mark.parametrize("commit", [
    pytest.param(lambda: first_commit_with("services/metrics/facts/schema.py"), id="first"),
    pytest.param(lambda: last_commit_before("services/metrics/migrations.py"), id="last")])
async def test_facts_of_older_code_upgrade_without_losing_a_row_and_as_a_rebuild_makes_them(
        commit: object, infrastructure: Infrastructure, tokens: Tokens, secret: str,
        tmp_path: Path) -> None:
    assert callable(commit)
    old = export(commit(), tmp_path)
    database_url = await new_database(infrastructure)
    ids = [str(uuid.uuid4()) for _ in range(9)]
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", OLD_FACTS, database_url, *ids],
        check=True, env={"PYTHONPATH": str(old)}, cwd=old)
    assert version(database_url, OWNER) == 0
    made = await rows(database_url)
    assert all(len(made[table]) == 1 for table in OLD_TABLES if table != "case_opened")

    topics = await new_topics(infrastructure)
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}",
                            disclosure_threshold=1)
    async with serving(create_app(settings)) as http:
        active = await http.get("/indicators/active_cases", headers=bearer(tokens.auditor),
                                params={"period": "2026"})

    assert version(database_url, OWNER) == latest(MIGRATIONS)
    assert await rows(database_url) == made
    assert active.status_code == 200, active.text
    assert [cell["value"] for cell in active.json()["cells"]] == [3.0]
    pool = await create_pool(database_url, REBUILD_SCHEMA)
    try:
        await migrate(pool, REBUILD_SCHEMA)
    finally:
        await pool.close()
    assert await described(database_url, LIVE_SCHEMA) == await described(
        database_url, REBUILD_SCHEMA)
