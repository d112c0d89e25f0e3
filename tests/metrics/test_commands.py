"""`wirkung metrics import-population` and `wirkung metrics rebuild` from the environment."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.topics import Topics
from tests.integration.test_metrics_consumer import publish
from tests.metrics.history import History, fixed_history
from tests.support import Infrastructure, new_database, new_topics
from wirkung.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def topics(infrastructure: Infrastructure) -> Topics:
    return asyncio.run(new_topics(infrastructure))


@pytest.fixture
def environment(infrastructure: Infrastructure, topics: Topics,
                monkeypatch: pytest.MonkeyPatch) -> str:
    database_url = asyncio.run(new_database(infrastructure))
    monkeypatch.setenv("WIRKUNG_METRICS_DATABASE_URL", database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", infrastructure.bootstrap_servers)
    monkeypatch.setenv("WIRKUNG_TOPIC_PREFIX", topics.prefix)
    return database_url


async def population(database_url: str) -> list[tuple[object, ...]]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch("SELECT district, age_band, year, population, source "
                                      "FROM reference.population ORDER BY district")
        return [tuple(row.values()) for row in rows]
    finally:
        await connection.close()


def test_a_population_file_is_imported_with_its_source(
        environment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "einwohner.csv"
    csv.write_text("district,age_band,year,population\nNordstadt,14-17,2026,1000\n"
                   "Oststadt,65+,2026,2000\n", encoding="utf-8")

    assert main(["metrics", "import-population", str(csv), "--source", "Register 2025"]) == 0

    assert asyncio.run(population(environment)) == [
        ("Nordstadt", "14-17", 2026, 1000, "Register 2025"),
        ("Oststadt", "65+", 2026, 2000, "Register 2025")]
    assert "imported 2 population rows" in capsys.readouterr().out


def test_a_file_without_the_columns_is_refused(environment: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "falsch.csv"
    csv.write_text("bezirk,einwohner\nNordstadt,1000\n", encoding="utf-8")

    assert main(["metrics", "import-population", str(csv), "--source", "x"]) == 2
    assert "no column district" in capsys.readouterr().err


def test_the_commands_need_the_database_url(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("WIRKUNG_METRICS_DATABASE_URL", raising=False)

    assert main(["metrics", "rebuild"]) == 2
    assert "WIRKUNG_METRICS_DATABASE_URL" in capsys.readouterr().err


def test_rebuild_reports_its_progress_and_swaps_in_fresh_facts(
        environment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "rebuild"]) == 0

    output = capsys.readouterr()
    assert "rebuilt the facts from 0 events" in output.out

    async def tables() -> set[str]:
        connection = await asyncpg.connect(environment)
        try:
            rows = await connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'facts'")
            return {row[0] for row in rows}
        finally:
            await connection.close()

    assert {"applied_versions", "case_opened", "deliveries"} <= asyncio.run(tables())


def test_a_second_rebuild_at_the_same_time_is_refused(
        environment: str, capsys: pytest.CaptureFixture[str]) -> None:
    async def while_another_rebuilds() -> int:
        other = await asyncpg.connect(environment)
        try:
            await other.execute("SELECT pg_advisory_lock(hashtext('wirkung_metrics_rebuild'))")
            return await asyncio.to_thread(main, ["metrics", "rebuild"])
        finally:
            await other.close()

    assert asyncio.run(while_another_rebuilds()) == 1
    assert "another rebuild" in capsys.readouterr().err


async def applied_events(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return int(await connection.fetchval("SELECT coalesce(sum(version), 0) "
                                             "FROM facts.applied_versions"))
    finally:
        await connection.close()


def test_a_rebuild_of_a_topic_that_lost_events_is_refused_and_keeps_the_facts(
        environment: str, topics: Topics, infrastructure: Infrastructure,
        capsys: pytest.CaptureFixture[str]) -> None:
    history = fixed_history().envelopes
    agreements = [item for item in history if item[0] == "agreements"]
    cases = [item for item in history if item[0] == "cases"]
    asyncio.run(publish(infrastructure, topics, History(envelopes=agreements)))
    assert main(["metrics", "rebuild"]) == 0
    before = asyncio.run(applied_events(environment))
    assert before == len(agreements)
    # The cases topic lost the opening of one case (retention, or records deleted): its
    # later events arrive without their first.
    lost = next(envelope for _, envelope in cases if envelope.aggregate_version == 1 and any(
        later.subject == envelope.subject for _, later in cases if later is not envelope))
    asyncio.run(publish(infrastructure, topics,
                        History(envelopes=[item for item in cases if item[1] is not lost])))
    capsys.readouterr()

    assert main(["metrics", "rebuild"]) == 2

    said = capsys.readouterr().err
    assert f"version 2 of {lost.subject} in {topics.cases}" in said
    assert f"Republish {topics.cases} from the event store" in said
    assert asyncio.run(applied_events(environment)) == before  # nothing swapped in


def test_the_topics_that_hold_the_history_keep_it_forever(
        topics: Topics, infrastructure: Infrastructure) -> None:
    async def retention() -> dict[str, str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.bootstrap_servers)
        await admin.start()
        try:
            described = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name) for name in topics.all()])
        finally:
            await admin.close()
        found = {}
        for response in described:
            for resource in response.resources:
                entries = {entry[0]: entry[1] for entry in resource[4]}
                found[resource[3]] = entries.get("retention.ms", "default")
        return found

    assert asyncio.run(retention()) == {topics.agreements: "-1", topics.cases: "-1",
                                        topics.audit_checkpoints: "-1",
                                        topics.metrics_dlq: "default"}
