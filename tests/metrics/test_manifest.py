"""The manifest of an answer: a stable hash of its cells, and enough to compute them again."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest

from services.metrics.catalog import CATALOG
from services.metrics.indicators.engine import Question
from services.metrics.indicators.manifest import attested_answer, recompute, result_hash
from services.metrics.periods import Grain, parse_period
from services.metrics.population import PopulationRow, import_population
from tests.metrics.history import NOW, fixed_history
from tests.metrics.support import facts_of

CELLS = [
    {"district": "Nordstadt", "value": 3.0, "numerator": 3.0, "denominator": None,
     "persons": 3, "suppressed": False},
    {"district": "Südstadt", "value": 0.25, "numerator": 1.0, "denominator": 4.0,
     "persons": 4, "suppressed": False},
]


def test_the_result_hash_is_the_same_for_the_same_cells_however_written() -> None:
    reordered = [dict(reversed(list(cell.items()))) for cell in CELLS]
    whole_numbers_as_integers = copy.deepcopy(CELLS)
    whole_numbers_as_integers[0].update(value=3, numerator=3)

    assert result_hash(CELLS) == result_hash(copy.deepcopy(CELLS))
    assert result_hash(reordered) == result_hash(CELLS)
    assert result_hash(whole_numbers_as_integers) == result_hash(CELLS)
    assert result_hash(CELLS).startswith("sha256:")


@pytest.mark.parametrize(("figure", "changed"), [
    ("value", 0.250001), ("persons", 5), ("suppressed", True), ("district", "Weststadt"),
])
def test_the_result_hash_changes_when_a_cell_changes(figure: str, changed: object) -> None:
    tampered = copy.deepcopy(CELLS)
    tampered[1][figure] = changed

    assert result_hash(tampered) != result_hash(CELLS)


def test_the_result_hash_depends_on_which_cells_there_are() -> None:
    assert result_hash(CELLS[:1]) != result_hash(CELLS)
    assert result_hash([]) != result_hash(CELLS)


@pytest.mark.integration
async def test_a_manifest_names_the_question_the_day_and_recomputes_to_its_hash(
        database_url: str) -> None:
    pool = await facts_of(database_url, fixed_history())
    question = Question(parse_period("2026"), ("period", "district"), Grain.QUARTER,
                        datetime(2026, 4, 10, tzinfo=UTC))
    try:
        async with pool.acquire() as connection:
            attested = await attested_answer(connection, CATALOG["active_cases"], question, 1,
                                             now=NOW)
            cells, pin = await recompute(connection, CATALOG["active_cases"], attested.manifest)
    finally:
        await pool.close()
    manifest = attested.manifest

    assert manifest.question.question() == question
    assert manifest.evaluated_on == date(2026, 4, 10)
    assert manifest.definition_hash == CATALOG["active_cases"].definition_hash
    assert manifest.disclosure_threshold == 1
    assert manifest.reference_population is None
    assert pin is None
    assert manifest.result_hash == result_hash([cell.as_json() for cell in attested.cells])
    assert cells == attested.cells


@pytest.mark.integration
async def test_a_society_answer_pins_the_population_so_a_later_import_changes_nothing(
        database_url: str) -> None:
    definition = CATALOG["active_cases_per_1000"]
    question = Question(parse_period("2026-Q1"), ("district",))
    pool = await facts_of(database_url, fixed_history())
    try:
        async with pool.acquire() as connection:
            before = await attested_answer(connection, definition, question, 1, now=NOW)
            await import_population(connection, [PopulationRow("Nordstadt", "14-17", 2026, 10)],
                                    source="später", imported_by="cm-1")
            after = await attested_answer(connection, definition, question, 1, now=NOW)
            cells, pin = await recompute(connection, definition, before.manifest)
    finally:
        await pool.close()
    pinned, later = before.manifest.reference_population, after.manifest.reference_population

    assert pinned is not None
    assert later is not None
    assert pinned.rows == 6
    assert later.imported_until is not None
    assert pinned.imported_until is not None
    assert later.imported_until > pinned.imported_until
    assert later.hash != pinned.hash
    assert after.manifest.result_hash != before.manifest.result_hash
    assert pin == pinned
    assert cells == before.cells
