"""`wirkung audit verify-indicator`: a saved answer is computed again by replay, and compared."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.metrics.facts.schema import create_pool
from services.metrics.indicators import case_cells
from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.contracts import CaseClosed
from shared.topics import Topics
from tests.integration.test_audit_command import wirkung
from tests.integration.test_metrics_consumer import publish
from tests.integration.test_metrics_rebuild import one_more_case
from tests.metrics.history import POPULATION, History, fixed_history, uid
from tests.support import (
    TEST_CELL_KEY_SECRET,
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTION = "/indicators/active_cases?period=2026&by=district"


@dataclass
class Metrics:
    """A metrics service that has applied the fixed history from its topics."""

    client: httpx.AsyncClient
    pool: asyncpg.Pool
    environment: dict[str, str]
    auditor: str
    home: Path

    async def answer(self, question: str = QUESTION) -> dict[str, Any]:
        response = await self.client.get(question, headers=bearer(self.auditor))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def save(self, document: Any, name: str = "answer.json") -> Path:
        path = self.home / name
        path.write_text(json.dumps(document, ensure_ascii=False))
        return path

    def verify(self, path: Path, *options: str, environment: dict[str, str] | None = None,
               ) -> subprocess.CompletedProcess[str]:
        return wirkung("audit", "verify-indicator", str(path), "--home", str(self.home),
                       *options, environment=environment or self.environment)

    async def scratch_schemas(self) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'facts_verify_%'")
        return [row[0] for row in rows]


@pytest.fixture
async def metrics(infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens,
                  database_url: str, tmp_path: Path) -> AsyncIterator[Metrics]:
    history = fixed_history()
    await publish(infrastructure, topics, history)
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, consumer_group=f"m-{uuid.uuid4().hex[:8]}",
                            disclosure_threshold=1)
    environment = {"WIRKUNG_METRICS_DATABASE_URL": database_url,
                   "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
                   "WIRKUNG_TOPIC_PREFIX": topics.prefix}
    pool = await create_pool(database_url)
    try:
        async with serving(create_app(settings)) as client:
            await eventually(lambda: applied(pool, len(history.envelopes)), within=60)
            yield Metrics(client, pool, environment, tokens.auditor, tmp_path)
    finally:
        await pool.close()


async def applied(pool: asyncpg.Pool, events: int) -> bool:
    return int(await pool.fetchval(
        "SELECT coalesce(sum(version), 0) FROM applied_versions")) >= events


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    verdict: dict[str, Any] = json.loads(result.stdout)
    return verdict


def by_district(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {cell["district"]: cell for cell in cells}


async def test_an_untouched_answer_matches_and_events_after_its_positions_are_not_counted(
        metrics: Metrics, infrastructure: Infrastructure, topics: Topics) -> None:
    answer = await metrics.answer()
    saved = metrics.save(answer)

    untouched = metrics.verify(saved)
    await publish(infrastructure, topics, one_more_case())  # a case in Hafen, after the answer
    later = await eventually(lambda: _answer_with_hafen(metrics), within=60)
    still = metrics.verify(saved, "--json")
    bare = metrics.verify(metrics.save(answer["manifest"], "manifest.json"))

    assert untouched.returncode == 0, untouched.stdout + untouched.stderr
    assert untouched.stdout.rstrip().endswith("match")
    assert answer["manifest"]["result_hash"] in untouched.stdout
    assert later["manifest"]["result_hash"] != answer["manifest"]["result_hash"]
    assert still.returncode == 0, still.stdout + still.stderr
    assert report(still)["match"] is True
    assert report(still)["events_replayed"] == len(fixed_history().envelopes)
    assert report(still)["differences"] == []
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert await metrics.scratch_schemas() == []


async def _answer_with_hafen(metrics: Metrics) -> dict[str, Any] | None:
    answer = await metrics.answer()
    return answer if "Hafen" in by_district(answer["cells"]) else None


async def test_a_fact_changed_by_direct_sql_is_found_and_the_differing_cells_named(
        metrics: Metrics) -> None:
    honest = await metrics.answer()
    # A dishonest operator moves a case to another district, straight in the facts and in
    # the case units kept beside them, and sums those again.
    for table in ("case_opened", "case_units"):
        await metrics.pool.execute(
            f"UPDATE facts.{table} SET district = 'Weststadt' WHERE case_id = $1",  # noqa: S608
            uid("K4"))
    async with metrics.pool.acquire() as connection, connection.transaction():
        await connection.execute("SET LOCAL search_path TO facts")
        await case_cells.count_all(connection)
    tampered = await metrics.answer()
    path = metrics.save(tampered)

    text = metrics.verify(path)
    machine = metrics.verify(path, "--json")

    assert by_district(tampered["cells"]) != by_district(honest["cells"])
    assert text.returncode == 1, text.stdout + text.stderr
    assert "MISMATCH: 2 cell(s) differ" in text.stdout
    assert "district=Weststadt" in text.stdout
    assert "district=Südstadt" in text.stdout
    assert machine.returncode == 1
    verdict = report(machine)
    assert verdict["match"] is False
    assert verdict["recomputed_hash"] == honest["manifest"]["result_hash"]
    assert verdict["published_cells_hash"] == tampered["manifest"]["result_hash"]
    differing = {d["dimensions"]["district"]: d for d in verdict["differences"]}
    assert set(differing) == {"Südstadt", "Weststadt"}
    assert differing["Weststadt"]["published"] == by_district(tampered["cells"])["Weststadt"]
    assert differing["Weststadt"]["recomputed"] is None
    assert differing["Südstadt"]["published"] == by_district(tampered["cells"])["Südstadt"]
    assert differing["Südstadt"]["recomputed"] == by_district(honest["cells"])["Südstadt"]
    assert await metrics.scratch_schemas() == []


async def test_an_answer_file_with_edited_cells_names_those_cells(metrics: Metrics) -> None:
    answer = await metrics.answer()
    edited = json.loads(json.dumps(answer))
    edited["cells"][0]["value"] += 5
    edited["cells"][0]["numerator"] += 5

    result = metrics.verify(metrics.save(edited), "--json")
    text = metrics.verify(metrics.save(edited))

    assert result.returncode == 1, result.stdout + result.stderr
    verdict = report(result)
    assert verdict["recomputed_hash"] == answer["manifest"]["result_hash"]
    assert verdict["published_cells_hash"] != answer["manifest"]["result_hash"]
    assert verdict["differences"] == [{
        "dimensions": {"district": answer["cells"][0]["district"]},
        "published": edited["cells"][0], "recomputed": answer["cells"][0]}]
    assert "they are not the cells the manifest describes" in text.stdout
    assert "MISMATCH: 1 cell(s) differ" in text.stdout


async def test_bad_input_is_refused_with_exit_status_2(metrics: Metrics) -> None:
    manifest = (await metrics.answer())["manifest"]

    def changed(**fields: Any) -> Path:
        return metrics.save({**manifest, **fields}, f"{uuid.uuid4().hex[:6]}.json")

    topic = next(iter(manifest["input_positions"]))
    cases = {
        "cannot read": metrics.home / "missing.json",
        "is no JSON": metrics.save("{not json", "broken.json"),
        "not a manifest": metrics.save({"indicator": "active_cases"}, "partial.json"),
        "no indicator no_such_indicator": changed(indicator="no_such_indicator"),
        "changed since the answer": changed(definition_hash="sha256:" + "0" * 64),
        "the topics hold no event at": changed(input_positions={topic: {"0": 10_000}}),
        "no such partition": changed(input_positions={topic: {"7": 0}}),
        "installation's are": changed(input_positions={"elsewhere.cases.events": {"0": 1}}),
    }
    (metrics.home / "broken.json").write_text("{not json")

    for message, path in cases.items():
        result = metrics.verify(path)
        assert result.returncode == 2, (message, result.stdout, result.stderr)
        assert message in result.stderr, (message, result.stderr)
    assert await metrics.scratch_schemas() == []


async def test_an_answer_over_a_topic_that_lost_events_is_refused_with_exit_status_2(
        metrics: Metrics, infrastructure: Infrastructure, topics: Topics) -> None:
    before = reached(await metrics.answer(), topics.cases)
    # A case's later event on the topic without its opening (retention, deleted records).
    gone = one_more_case()
    gone.add("cases", uid("K8"), CaseClosed(
        case_id=uid("K8"), reason="moved", ended_service_ids=[], occurred_on=date(2026, 7, 9),
        actor="cw-1"))
    await publish(infrastructure, topics, History(envelopes=gone.envelopes[1:]))

    async def answer_past_it() -> dict[str, Any] | None:
        answer = await metrics.answer()
        return answer if reached(answer, topics.cases) > before else None

    result = metrics.verify(metrics.save(await eventually(answer_past_it, within=30)))

    assert result.returncode == 2, result.stdout
    assert "wait for earlier events the topics do not hold, first" in result.stderr
    assert f"version 2 of {uid('K8')} in {topics.cases}" in result.stderr
    assert await metrics.scratch_schemas() == []


def reached(answer: dict[str, Any], topic: str) -> int:
    """How far an answer's input positions reach into `topic`, over its partitions."""
    positions: dict[str, int] = answer["manifest"]["input_positions"].get(topic, {})
    return sum(positions.values())


async def test_an_edited_reference_population_is_found_though_it_is_not_on_the_topics(
        metrics: Metrics) -> None:
    await metrics.pool.execute(
        "INSERT INTO reference.population (district, age_band, year, population, source, "
        "imported_by) SELECT district, age_band, year, population, 'Test', 'cm-1' "
        "FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) "
        "AS t(district, age_band, year, population)",
        *map(list, zip(*POPULATION, strict=True)))
    answer = await metrics.answer("/indicators/active_cases_per_1000?period=2026&by=district")
    path = metrics.save(answer)
    honest = metrics.verify(path, "--json")

    await metrics.pool.execute("UPDATE reference.population SET population = population * 2 "
                               "WHERE district = 'Nordstadt'")
    edited = metrics.verify(path, "--json")

    assert answer["manifest"]["reference_population"]["rows"] == len(POPULATION)
    assert honest.returncode == 0, honest.stdout + honest.stderr
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert report(edited)["reference_population_matches"] is False
    assert [d["dimensions"] for d in report(edited)["differences"]] == [
        {"district": "Nordstadt"}]


async def test_a_perturbed_answer_of_a_contract_manager_verifies_with_the_cell_key_secret(
        metrics: Metrics, tokens: Tokens) -> None:
    response = await metrics.client.get(QUESTION, headers=bearer(tokens.contract_manager))
    assert response.status_code == 200, response.text
    answer = response.json()
    saved = metrics.save(answer)
    exact = await metrics.answer()

    verified = metrics.verify(saved, "--json", environment={
        **metrics.environment, "WIRKUNG_METRICS_CELL_KEY_SECRET": TEST_CELL_KEY_SECRET})
    without = metrics.verify(saved)
    other = metrics.verify(saved, environment={
        **metrics.environment, "WIRKUNG_METRICS_CELL_KEY_SECRET": "another-secret-of-16-bytes"})

    assert answer["perturbed"] is True
    assert answer["manifest"]["perturbation"]["method"] == "cell-key"
    assert exact["perturbed"] is False
    assert exact["manifest"]["perturbation"] is None
    assert [cell["persons"] for cell in answer["cells"]] != \
        [cell["persons"] for cell in exact["cells"]]  # the figures differ from the auditor's
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert report(verified)["match"] is True  # the replay perturbs again, bit for bit
    assert report(verified)["differences"] == []
    assert without.returncode == 2
    assert "WIRKUNG_METRICS_CELL_KEY_SECRET" in without.stderr
    assert other.returncode == 2
    assert "perturbed" in other.stderr
