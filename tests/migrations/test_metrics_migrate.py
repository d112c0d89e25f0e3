"""`wirkung migrate metrics`; the live facts the migrations make are those a rebuild makes
fresh; the refusal of a database newer than the code by the service and its commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from services.metrics.facts.schema import LIVE_SCHEMA, REBUILD_SCHEMA, create_pool, migrate
from services.metrics.facts.tables import FACT_TABLES
from services.metrics.indicators import case_units
from services.metrics.main import create_app
from services.metrics.migrations import MIGRATIONS, OWNER, prepare_database
from services.metrics.settings import MetricsSettings
from shared.migrations import DatabaseNewerThanCode, Migration, apply, latest, version
from tests.migrations.facts_schema import described
from tests.support import Infrastructure, new_database, new_topics, serving, settings_for
from wirkung.cli import main


def newer_than_the_code(database_url: str) -> int:
    """Record a migration beyond the code's last, as newer code would; its number."""
    newer = latest(MIGRATIONS) + 1
    apply(database_url, OWNER, [*MIGRATIONS, Migration(newer, "from the future", ("SELECT 1",))])
    return newer


async def test_wirkung_migrate_metrics_makes_the_facts_and_prints_then_finds_nothing_left(
        infrastructure: Infrastructure, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database_url = await new_database(infrastructure)
    monkeypatch.setenv("WIRKUNG_METRICS_DATABASE_URL", database_url)

    assert await asyncio.to_thread(main, ["migrate", "metrics"]) == 0
    first = capsys.readouterr().out
    assert await asyncio.to_thread(main, ["migrate", "metrics"]) == 0
    second = capsys.readouterr().out

    assert [line for line in first.splitlines() if "applied" in line] == [
        f"metrics: applied {migration.number} {migration.name}" for migration in MIGRATIONS]
    assert second == f"metrics: schema version {latest(MIGRATIONS)} (nothing to apply)\n"
    assert version(database_url, OWNER) == latest(MIGRATIONS) == 11
    facts = (await described(database_url, LIVE_SCHEMA))["columns"]
    assert {row[0] for row in facts} == {
        *(table.name for table in FACT_TABLES), "applied_versions", "input_positions",
        "case_units", "case_units_years", "case_units_stale", "agreement_units",
        "agreement_dimensions", "agreement_units_stale", "agreement_uses", "unit_sums_by_case",
        "unit_sums_by_service"}
    assert [row[1] for row in (await described(database_url, "reference"))["columns"]] == [
        "district", "age_band", "year", "population", "source", "imported_by", "imported_at"]


async def test_the_live_facts_the_migrations_make_are_those_a_rebuild_makes_fresh(
        infrastructure: Infrastructure) -> None:
    database_url = await new_database(infrastructure)
    await asyncio.to_thread(prepare_database, database_url)
    pool = await create_pool(database_url, REBUILD_SCHEMA)
    try:
        await migrate(pool, REBUILD_SCHEMA)
    finally:
        await pool.close()

    live = await described(database_url, LIVE_SCHEMA)
    fresh = await described(database_url, REBUILD_SCHEMA)

    assert live == fresh
    # With those of the tables of what to count again, of uses and of sums.
    assert len(live["indexes"]) == 26
    assert "deliveries_service" not in {row[1] for row in live["indexes"]}
    # The projection copies each fact table's columns in the order `FACT_TABLES` names them.
    for table in FACT_TABLES:
        assert tuple(row[1] for row in live["columns"] if row[0] == table.name) == (
            table.column_names)


async def test_the_service_refuses_a_database_migrated_by_newer_code(
        infrastructure: Infrastructure, secret: str) -> None:
    database_url = await new_database(infrastructure)
    newer = await asyncio.to_thread(newer_than_the_code, database_url)
    topics = await new_topics(infrastructure)
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)

    with pytest.raises(DatabaseNewerThanCode, match=rf"version {newer}, .* up to {newer - 1}"):
        async with serving(create_app(settings)):
            pass


async def test_a_rebuild_refuses_a_database_migrated_by_newer_code_and_leaves_it(
        infrastructure: Infrastructure, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database_url = await new_database(infrastructure)
    newer = await asyncio.to_thread(newer_than_the_code, database_url)
    topics = await new_topics(infrastructure)
    monkeypatch.setenv("WIRKUNG_METRICS_DATABASE_URL", database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", infrastructure.bootstrap_servers)
    monkeypatch.setenv("WIRKUNG_TOPIC_PREFIX", topics.prefix)
    before = await described(database_url, LIVE_SCHEMA)

    assert await asyncio.to_thread(main, ["metrics", "rebuild"]) == 1

    assert f"schema version {newer}" in capsys.readouterr().err
    assert await described(database_url, LIVE_SCHEMA) == before
    assert version(database_url, OWNER) == newer


async def test_a_population_import_refuses_a_database_migrated_by_newer_code(
        infrastructure: Infrastructure, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    database_url = await new_database(infrastructure)
    newer = await asyncio.to_thread(newer_than_the_code, database_url)
    monkeypatch.setenv("WIRKUNG_METRICS_DATABASE_URL", database_url)
    csv = tmp_path / "einwohner.csv"
    csv.write_text("district,age_band,year,population\nNordstadt,14-17,2026,1000\n",
                   encoding="utf-8")

    assert await asyncio.to_thread(
        main, ["metrics", "import-population", str(csv), "--source", "Register"]) == 1

    assert f"schema version {newer}" in capsys.readouterr().err
    connection = await asyncpg.connect(database_url)
    try:
        assert await connection.fetchval("SELECT count(*) FROM reference.population") == 0
    finally:
        await connection.close()


async def test_case_units_kept_before_the_agreement_units_are_forgotten_until_refreshed(
        infrastructure: Infrastructure) -> None:
    """Without agreement units beside them, units kept before would answer the agreement
    indicators from an empty table: the years kept go, and both are counted from the facts
    until a batch with case events refreshes them together."""
    database_url = await new_database(infrastructure)
    await asyncio.to_thread(apply, database_url, OWNER, MIGRATIONS[:4])
    connection = await asyncpg.connect(database_url, server_settings={"search_path": "facts"})
    try:
        await connection.execute("INSERT INTO case_units_years VALUES (2024, 2026)")
        assert [tuple(row) for row in await connection.fetch("TABLE case_units_years")] == [
            (2024, 2026)]

        await asyncio.to_thread(prepare_database, database_url)

        assert await case_units.years_kept(connection) is None
    finally:
        await connection.close()
