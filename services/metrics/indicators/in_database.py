"""Cells counted by PostgreSQL: one GROUP BY over the units, only the cells come back.

A unit counts under each value of each dimension it has (`unnest` of the
dimension's array, `-` for none), persons are counted distinct per cell, and
medians are `percentile_cont(0.5)`, and the persons' record keys are summed
into the cell key (`disclosure`); what the cells then show is decided by
`cells.cell_of`, as for the cells counted in Python.
"""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.metrics.catalog import Aggregation, IndicatorDefinition
from services.metrics.indicators import agreement_sql, agreement_units, case_cells, case_units
from services.metrics.indicators.case_sql import (
    CTES,
    NEEDS,
    UNITS,
    case_totals,
    dimension_keys,
    grouped,
    unnested,
    with_clause,
)
from services.metrics.indicators.cells import Cell, Population, Totals, cell_of
from services.metrics.indicators.disclosure import RECORD_KEY_SQL, cell_key
from services.metrics.periods import Period
from shared.closures import PLANNED, REENTRY_MONTHS, SUCCESSFUL
from shared.gas import EXPECTED_LEVEL, RHO
from shared.projection import Connection

_DIMENSIONS = {
    "period": "ARRAY[u.label]", "field_of_action": "ARRAY[k.field_of_action]",
    "target_group": "k.target_groups", "district": "ARRAY[k.district]",
    "age_band": "ARRAY[k.age_band]", "agreement": "x.agreements", "provider": "x.providers",
    "budget_product": "x.budget_products",
}
# The rules the cases service counts with too, as the queries' parameters $6 to $10.
RULES = (RHO, EXPECTED_LEVEL, REENTRY_MONTHS, sorted(SUCCESSFUL), sorted(PLANNED))
_FROM_SERVICES = ("agreement", "provider", "budget_product")


def supported(definition: IndicatorDefinition) -> bool:
    return definition.id in UNITS or definition.id in agreement_sql.UNITS


def cells_sql(definition: IndicatorDefinition, by: Sequence[str], provider: bool) -> str:
    """The query of an indicator's cells along `by` ($11: the only provider, if `provider`)."""
    if definition.id in agreement_sql.UNITS:
        return _agreement_cells_sql(definition, by, provider)
    units, reads = UNITS[definition.id]
    served = provider or any(name in _FROM_SERVICES for name in by)
    return (
        f"{with_clause((*reads, *(('dimensions',) if served else ())))},\n"
        f"units (case_id, label, numerator, denominator, value) AS ({units})\n"
        f"SELECT {dimension_keys(by)}"
        f"{case_totals('k.client', RECORD_KEY_SQL.format(client='k.client'))} "
        "FROM units u JOIN known_cases k USING (case_id)"
        + (" LEFT JOIN dimensions x USING (case_id)" if served else "")
        + unnested(by, _DIMENSIONS)
        + (" WHERE x.providers = ARRAY[$11::text]" if provider else "") + grouped(by)
    )


def _agreement_cells_sql(definition: IndicatorDefinition, by: Sequence[str],
                         provider: bool) -> str:
    """The agreement units derived from the facts, counted into cells."""
    units, reads = agreement_sql.UNITS[definition.id]
    expressions = with_clause(("agreements", *reads), {**CTES, **agreement_sql.AGREEMENT_CTES},
                              {**NEEDS, **agreement_sql.AGREEMENT_NEEDS})
    return (
        f"{expressions},\n"
        "units (agreement_id, label, numerator, denominator, reference_numerator, "
        f"reference_denominator, persons, headcount) AS ({units}),\n"
        + agreement_sql.agreement_cells("units", "agreements", by, "$11" if provider else None)
    )


async def cells_in_database(connection: Connection, definition: IndicatorDefinition,
                            by: Sequence[str], buckets: Sequence[Period], as_of: Any,
                            provider_id: str | None, threshold: int,
                            population: Population | None, today: date, *,
                            kept: bool = True) -> list[Cell]:
    """The cells of an indicator that case_sql or agreement_sql covers, counted in PostgreSQL:
    from the units kept with the facts (`case_units`) where they answer the question and
    `kept` allows it (`agreement_units` too), else from the facts themselves."""
    kind = case_units.KIND.get(definition.id)
    if kept and kind is not None and as_of is None and await case_units.covers(connection,
                                                                               buckets):
        arguments: list[Any] = [kind, [b.label for b in buckets]]
        if provider_id is not None:
            arguments.append(provider_id)
        median = definition.aggregation is Aggregation.MEDIAN
        rows = await connection.fetch(case_cells.cells_sql(by, provider_id is not None, median),
                                      *arguments)
        return _cells(rows, definition, by, threshold, population)
    if kept and definition.id in agreement_units.KINDS and as_of is None \
            and await case_units.covers(connection, buckets):
        arguments = [definition.id, [b.label for b in buckets]]
        if provider_id is not None:
            arguments.append(provider_id)
        rows = await connection.fetch(agreement_units.cells_sql(by, provider_id is not None),
                                      *arguments)
        return _cells(rows, definition, by, threshold, population)
    arguments = [as_of, [b.start for b in buckets], [b.end for b in buckets],
                 [b.label for b in buckets], today, *RULES]
    if provider_id is not None:
        arguments.append(provider_id)
    # A savepoint inside the API's read transaction; the units' rows are many (see
    # `counting_units`).
    async with connection.transaction(), case_units.counting_units(connection, many=True):
        rows = await connection.fetch(cells_sql(definition, by, provider_id is not None),
                                      *arguments)
    return _cells(rows, definition, by, threshold, population)


def _cells(rows: Sequence[Any], definition: IndicatorDefinition, by: Sequence[str],
           threshold: int, population: Population | None) -> list[Cell]:
    cells = []
    for row in rows:
        key = tuple(row[f"d{index}"] for index in range(len(by)))
        persons = row["persons"]
        totals = Totals(row["numerator"], row["denominator"],
                        (row["reference_numerator"], row["reference_denominator"]), row["median"],
                        row["values"], persons, persons,
                        None if row["person_keys"] is None else cell_key(int(row["person_keys"])))
        cells.append((key, cell_of(dict(zip(by, key, strict=True)), totals, definition,
                                   threshold, population)))
    return [cell for _, cell in sorted(cells, key=lambda item: item[0])]
