"""`wirkung migrate cases`, and the refusal of a database newer than the code by the
service and by its commands."""

from __future__ import annotations

import psycopg
import pytest

from services.cases.main import create_app
from services.cases.migrations import MIGRATIONS, OWNER
from services.cases.settings import CasesSettings
from shared import store_migrations
from shared.migrations import DatabaseNewerThanCode, Migration, apply, latest, version
from tests.support import (
    TEST_KEY_ENCRYPTION_KEY,
    Infrastructure,
    new_database,
    new_topics,
    serving,
    settings_for,
)
from wirkung.cli import main


def newer_than_the_code(database_url: str) -> int:
    """Record a migration beyond the code's last, as newer code would; its number."""
    newer = latest(MIGRATIONS) + 1
    apply(database_url, OWNER, [*MIGRATIONS, Migration(newer, "from the future", ("SELECT 1",))])
    return newer


async def test_wirkung_migrate_cases_makes_its_tables_and_prints_then_finds_nothing_left(
        infrastructure: Infrastructure, secret: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database_url = await new_database(infrastructure)
    monkeypatch.setenv("WIRKUNG_CASES_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRKUNG_CASES_AUTH_SECRET", secret)

    assert main(["migrate", "cases"]) == 0
    first = capsys.readouterr().out
    assert main(["migrate", "cases"]) == 0
    second = capsys.readouterr().out

    assert f"cases: applied 1 {MIGRATIONS[0].name}" in first
    assert f"stores: applied 1 {store_migrations.MIGRATIONS[0].name}" in first
    assert "applied" not in second.replace("nothing to apply", "")
    assert second.count("nothing to apply") == 2
    assert version(database_url, OWNER) == latest(MIGRATIONS)
    with psycopg.connect(database_url) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
    assert {"case_summaries", "case_services", "case_goals", "client_keys",
            "client_personal_data", "client_lookup", "replica_agreements",
            "replica_suspensions", "replica_providers", "replica_dead_letters",
            "applied_versions", "input_positions"} <= tables


async def test_the_service_refuses_a_database_migrated_by_newer_code(
        infrastructure: Infrastructure, secret: str) -> None:
    database_url = await new_database(infrastructure)
    newer = newer_than_the_code(database_url)
    topics = await new_topics(infrastructure)
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)

    with pytest.raises(DatabaseNewerThanCode, match=rf"version {newer}, .* up to {newer - 1}"):
        async with serving(create_app(settings)):
            pass


@pytest.mark.parametrize("command", [["retention", "--dry-run"], ["rotate-key-encryption-key"]])
async def test_the_cases_commands_refuse_a_database_migrated_by_newer_code(
        command: list[str], infrastructure: Infrastructure, secret: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    database_url = await new_database(infrastructure)
    newer = newer_than_the_code(database_url)
    monkeypatch.setenv("WIRKUNG_CASES_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRKUNG_CASES_AUTH_SECRET", secret)
    monkeypatch.setenv("WIRKUNG_CASES_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)

    assert main(["cases", *command]) == 1

    assert f"schema version {newer}" in capsys.readouterr().err
