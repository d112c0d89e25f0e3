"""Cells counted by PostgreSQL: one GROUP BY over the units, only the cells come back.

A unit counts under each value of each dimension it has (`unnest` of the
dimension's array, `-` for none), persons are counted distinct per cell, and
medians are `percentile_cont(0.5)`; what the cells then show is decided by
`cells.cell_of`, as for the cells counted in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.case_sql import UNITS, with_clause
from services.metrics.indicators.cells import NONE, Cell, Population, Totals, cell_of
from services.metrics.periods import Period
from shared.projection import Connection

_DIMENSIONS = {
    "period": "ARRAY[u.label]", "field_of_action": "ARRAY[k.field_of_action]",
    "target_group": "k.target_groups", "district": "ARRAY[k.district]",
    "age_band": "ARRAY[k.age_band]", "agreement": "x.agreements", "provider": "x.providers",
    "budget_product": "x.budget_products",
}
_FROM_SERVICES = ("agreement", "provider", "budget_product")


def supported(definition: IndicatorDefinition) -> bool:
    return definition.id in UNITS


def cells_sql(definition: IndicatorDefinition, by: Sequence[str], provider: bool) -> str:
    """The query of an indicator's cells along `by` ($5: the only provider, if `provider`)."""
    units, reads = UNITS[definition.id]
    served = provider or any(name in _FROM_SERVICES for name in by)
    keys = [f"d{index}" for index in range(len(by))]
    unnested = "".join(
        f" CROSS JOIN LATERAL unnest(coalesce(nullif({_DIMENSIONS[name]}, '{{}}'), "
        f"ARRAY['{NONE}'])) AS {key}" for key, name in zip(keys, by, strict=True))
    return (
        f"{with_clause((*reads, *(('dimensions',) if served else ())))},\n"
        f"units (case_id, label, numerator, denominator, value) AS ({units})\n"
        f"SELECT {''.join(f'{key}, ' for key in keys)}"
        "sum(u.numerator::float8) AS numerator, sum(u.denominator::float8) AS denominator, "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY u.value::float8) AS median, "
        "count(u.value) AS values, count(DISTINCT k.client) AS persons "
        "FROM units u JOIN known_cases k USING (case_id)"
        + (" LEFT JOIN dimensions x USING (case_id)" if served else "") + unnested
        + (" WHERE x.providers = ARRAY[$5::text]" if provider else "")
        + (f" GROUP BY {', '.join(keys)}" if keys else " HAVING count(*) > 0")
    )


async def cells_in_database(connection: Connection, definition: IndicatorDefinition,
                            by: Sequence[str], buckets: Sequence[Period], as_of: Any,
                            provider_id: str | None, threshold: int,
                            population: Population | None) -> list[Cell]:
    """The cells of a case, target-group or society indicator, counted in PostgreSQL."""
    arguments: list[Any] = [as_of, [b.start for b in buckets], [b.end for b in buckets],
                            [b.label for b in buckets]]
    if provider_id is not None:
        arguments.append(provider_id)
    async with connection.transaction():  # a savepoint inside the API's read transaction
        # The planner cannot estimate the rows of the units; a nested loop over them (its
        # choice for a small estimate) takes minutes for a city instead of a hash join.
        await connection.execute("SET LOCAL enable_nestloop = off")
        rows = await connection.fetch(cells_sql(definition, by, provider_id is not None),
                                      *arguments)
    cells = []
    for row in rows:
        key = tuple(row[f"d{index}"] for index in range(len(by)))
        persons = row["persons"]
        totals = Totals(row["numerator"], row["denominator"], (0.0, 0.0), row["median"],
                        row["values"], persons, persons)
        cells.append((key, cell_of(dict(zip(by, key, strict=True)), totals, definition,
                                   threshold, population)))
    return [cell for _, cell in sorted(cells, key=lambda item: item[0])]
