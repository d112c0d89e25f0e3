"""Asking the indicator engine about the fixed history, as the API would."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from services.metrics.catalog import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.indicators.cells import Cell, record_key
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.engine import Question, answer, today_of
from services.metrics.periods import Grain, parse_period
from services.metrics.population import PopulationRow, import_population
from tests.metrics.history import NOW, POPULATION, History
from tests.support import TEST_CELL_KEY_SECRET

Cells = dict[tuple[str, ...], Cell]


async def facts_of(database_url: str, history: History) -> asyncpg.Pool:
    """A pool on fresh facts projected from `history`, with the reference population."""
    pool = await create_pool(database_url)
    await migrate(pool)
    async with pool.acquire() as connection, connection.transaction():
        await project_batch(connection, [(envelope, parse(envelope))
                                         for _, envelope in history.in_recorded_order()])
        await import_population(connection, [PopulationRow(*row) for row in POPULATION],
                                source="Einwohnerregister (Test)", imported_by="cm-1")
    return pool


async def ask(pool: asyncpg.Pool, indicator: str, period: str = "2026-Q1",
              by: Sequence[str] = (), *, threshold: int = 1, as_of: datetime | None = None,
              grain: Grain | None = None, provider: str | None = None) -> Cells:
    """The cells of an indicator, keyed by their dimension values in the order of `by`."""
    question = Question(parse_period(period), tuple(by), grain, as_of, provider)
    async with pool.acquire() as connection:
        cells = await answer(connection, CATALOG[indicator], question, threshold,
                             today=today_of(as_of, NOW))
    return {tuple(cell.dimensions[name] for name in by): cell for cell in cells}


def values(cells: Cells) -> dict[tuple[str, ...], float | None]:
    return {key: cell.value for key, cell in cells.items()}


async def every_indicator(pool: asyncpg.Pool) -> dict[str, list[dict[str, object]]]:
    """Every catalog indicator for 2026 by quarter and along its first other dimension."""
    answers: dict[str, list[dict[str, object]]] = {}
    for indicator, definition in CATALOG.items():
        other = next(name for name in definition.dimensions if name != "period")
        for by in (("period",), (other,)):
            cells = await ask(pool, indicator, "2026", by, grain=Grain.QUARTER)
            answers[f"{indicator} by {by[0]}"] = [cell.as_json() for cell in cells.values()]
    return answers


async def fact_rows(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    """Every fact row of every table, sorted: facts compared as sets of rows."""
    from services.metrics.facts.tables import FACT_TABLES

    rows: dict[str, list[tuple[object, ...]]] = {}
    async with pool.acquire() as connection:
        for table in FACT_TABLES:
            records = await connection.fetch(f"SELECT * FROM {table.name}")  # noqa: S608
            rows[table.name] = sorted((tuple(record.values()) for record in records), key=repr)
    return rows


Rows = dict[str, list[tuple[object, ...]]]


async def kept_and_derived_units(pool: asyncpg.Pool) -> tuple[Rows, Rows]:
    """Per table of units kept with the facts (case units and their sums, agreement units,
    uses and dimensions), its rows, and the rows a GROUP BY over the facts gives now for the
    same years (sorted; floats to 9 significant digits: sums of floats may add up in
    another order; arrays sorted: the persons of a unit are a set)."""
    from services.metrics.indicators import agreement_units, case_cells, case_units

    def value_of(value: object) -> object:
        if isinstance(value, float):
            return float(f"{value:.9g}")
        return sorted(value) if isinstance(value, list) else value  # a unit's persons: a set

    def row(record: asyncpg.Record) -> tuple[object, ...]:
        return tuple(map(value_of, record.values()))

    units = case_units.units_sql(some_cases=False)
    tables = {"case_units": units,
              "agreement_units": agreement_units.units_sql(some=False),
              "agreement_uses": agreement_units.uses_sql(some=False),
              "agreement_dimensions": agreement_units.dimensions_sql(some=False)}
    for table, columns in case_cells.SUMS.items():  # the units of persons with one case
        grain = ", ".join(("kind", "label", *columns))
        tables[table] = (
            f"SELECT {grain}, coalesce(sum(numerator::numeric), 0), "  # noqa: S608
            "coalesce(sum(denominator::numeric), 0), count(value), count(*), sum(record_key) "
            f"FROM ({units}) u (kind, label, case_id, client, record_key, numerator, "
            "denominator, value, field_of_action, target_groups, district, age_band, "
            f"agreements, providers, budget_products, shared) WHERE NOT shared GROUP BY {grain}")
    kept: Rows = {}
    derived: Rows = {}
    async with pool.acquire() as connection, connection.transaction(isolation="repeatable_read"):
        years = await case_units.years_kept(connection)
        for table, select in tables.items():
            rows = await connection.fetch(f"SELECT * FROM {table}")  # noqa: S608
            kept[table] = sorted(map(row, rows), key=repr)
            rows = [] if years is None else await connection.fetch(
                select, *case_units.arguments(*years))
            derived[table] = sorted(map(row, rows), key=repr)
    return kept, derived


def as_readers_see(figures: dict[str, Any], persons: Sequence[str], indicator: str,
                   threshold: int) -> dict[str, Any]:
    """The oracle of what a reader other than the auditor is shown: exact `figures` of a
    cell of the distinct `persons` (pseudonyms), perturbed by the ptable with the tests'
    cell-key secret."""
    exact = Cell({}, figures["value"], figures["numerator"], figures["denominator"],
                 figures["persons"], figures["suppressed"],
                 sum(record_key(person) for person in set(persons)) % 2**64)
    method = CellKeyMethod(TEST_CELL_KEY_SECRET.encode())
    return method.cell(exact, CATALOG[indicator], threshold).as_json()
