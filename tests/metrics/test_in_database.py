"""Cells counted in PostgreSQL equal the cells of the Python reference path.

`engine.evaluate` over `engine.snapshot_of` (records folded in Python, units
of case_units / society_units counted by cells_of) is kept as the reference
implementation; `engine.answer` counts the indicators that case_sql covers in
the database, and evaluates those of WITHOUT_CASES without loading cases.
Both answer every such indicator here, for a generated history of many cases
(bench.events) and for the hand-written one, along several breakdowns,
periods, as_of times and a provider's scope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from bench.events import city
from services.metrics.catalog import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import (
    WITHOUT_CASES,
    Question,
    answer,
    evaluate,
    snapshot_of,
)
from services.metrics.indicators.in_database import supported
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.periods import Grain, parse_period
from services.metrics.population import PopulationRow, import_population
from tests.metrics.history import POPULATION, fixed_history
from tests.support import Infrastructure, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]

COUNTED_IN_DATABASE = [name for name, definition in CATALOG.items() if supported(definition)]
# answer() leaves the cases out of these indicators' snapshot; the reference loads them.
NEW_PATHS = [*COUNTED_IN_DATABASE, *sorted(WITHOUT_CASES)]
BREAKDOWNS = ((), ("district", "age_band"), ("provider", "period"),
              ("field_of_action", "target_group"), ("agreement",), ("budget_product", "period"))


@pytest.fixture(scope="module")
async def generated(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    """Facts of 600 generated cases (2025 and 2026) and a reference population."""
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection, connection.transaction():
        await project_batch(connection, [(envelope, parse(envelope))
                                         for _, envelope in city(600, seed=11).in_order()])
        await import_population(connection, [
            PopulationRow(district, band, year, 5_000)
            for district, band, *_ in POPULATION for year in (2025, 2026)
        ] + [PopulationRow("Mitte", "27-44", 2025, 7_000)], source="test", imported_by="cm-1")
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def written(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection, connection.transaction():
        await project_batch(connection, [(envelope, parse(envelope))
                                         for _, envelope in fixed_history().in_recorded_order()])
        await import_population(connection, [PopulationRow(*row) for row in POPULATION],
                                source="test", imported_by="cm-1")
    yield pool
    await pool.close()


async def _both(pool: asyncpg.Pool, indicator: str, question: Question,
                threshold: int) -> tuple[list[Cell], list[Cell]]:
    async with pool.acquire() as connection:
        counted = await answer(connection, CATALOG[indicator], question, threshold)
        knowledge = Knowledge(connection, question.as_of)
        reference = evaluate(await snapshot_of(knowledge, question.as_of),
                             await knowledge.population(), CATALOG[indicator], question,
                             threshold)
    return counted, reference


def _assert_same(counted: list[Cell], reference: list[Cell], what: str) -> None:
    assert [c.dimensions for c in counted] == [c.dimensions for c in reference], what
    for ours, theirs in zip(counted, reference, strict=True):
        where = f"{what} {theirs.dimensions}"
        assert (ours.suppressed, ours.persons) == (theirs.suppressed, theirs.persons), where
        for name in ("value", "numerator", "denominator"):
            mine, expected = getattr(ours, name), getattr(theirs, name)
            assert (mine is None) == (expected is None), f"{where} {name}"
            if expected is not None:
                assert mine == pytest.approx(expected, rel=1e-9, abs=2e-6), f"{where} {name}"


@pytest.mark.parametrize("indicator", NEW_PATHS)
async def test_a_generated_city_gives_the_cells_of_the_reference_path(
        generated: asyncpg.Pool, indicator: str) -> None:
    definition = CATALOG[indicator]
    asked = 0
    for by in BREAKDOWNS:
        if not set(by) <= set(definition.dimensions):
            continue
        for period, grain, as_of in (("2025", None, None), ("2025-Q4", Grain.MONTH, None),
                                     ("2026", Grain.QUARTER, datetime(2025, 11, 1, tzinfo=UTC)),
                                     ("2025-Q3", None, datetime(2025, 9, 15, tzinfo=UTC))):
            question = Question(parse_period(period), by, grain, as_of)
            counted, reference = await _both(generated, indicator, question, threshold=5)
            _assert_same(counted, reference, f"{indicator} {period} by {by} as of {as_of}")
            asked += len(reference)
    assert asked > 0  # some cells were compared, not only empty answers


@pytest.mark.parametrize("indicator", NEW_PATHS)
async def test_the_written_history_gives_the_cells_of_the_reference_path(
        written: asyncpg.Pool, indicator: str) -> None:
    definition = CATALOG[indicator]
    for by in BREAKDOWNS:
        if not set(by) <= set(definition.dimensions):
            continue
        for period, as_of in (("2026", None), ("2026-Q1", datetime(2026, 4, 1, tzinfo=UTC)),
                              ("2026-Q2", None)):
            question = Question(parse_period(period), by, None, as_of)
            counted, reference = await _both(written, indicator, question, threshold=1)
            _assert_same(counted, reference, f"{indicator} {period} by {by} as of {as_of}")


async def test_a_providers_scope_gives_the_cells_of_the_reference_path(
        generated: asyncpg.Pool) -> None:
    async with generated.acquire() as connection:
        provider = str(await connection.fetchval(
            "SELECT provider_id FROM agreement_facts WHERE change = 'drafted' LIMIT 1"))
    question = Question(parse_period("2025"), ("district",), None, None, provider)
    for indicator in ("active_cases", "cost_per_successful_outcome", "gas_t_score"):
        counted, reference = await _both(generated, indicator, question, threshold=1)
        assert reference, indicator
        _assert_same(counted, reference, f"{indicator} of provider {provider}")
