"""Indicator queries over the facts, with small-cell suppression."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from services.metrics.catalog import IndicatorDefinition

# Dimension name -> SQL expression over case_facts; a whitelist, never user text.
_CASE_DIMENSIONS = {
    "field_of_action": "field_of_action",
    "district": "district",
    "age_band": "age_band",
    "target_group": "unnest(CASE WHEN target_groups = '{}' THEN ARRAY['-'] "
                    "ELSE target_groups END)",
}


class UnknownDimension(ValueError):
    """A dimension the indicator does not allow."""


@dataclass(frozen=True)
class Cell:
    """One value of an indicator for one combination of dimension values."""

    dimensions: dict[str, str]
    value: float | None
    numerator: int | None
    denominator: int | None
    persons: int | None
    suppressed: bool


def _check(definition: IndicatorDefinition, by: Sequence[str]) -> None:
    unknown = [name for name in by if name not in definition.dimensions]
    if unknown:
        raise UnknownDimension(
            f"{definition.id} has no dimension {', '.join(unknown)}; "
            f"allowed: {', '.join(definition.dimensions)}"
        )


def _suppress(dimensions: dict[str, str], count: int, persons: int,
              threshold: int) -> Cell:
    if persons < threshold:
        return Cell(dimensions, None, None, None, None, True)
    return Cell(dimensions, float(count), count, None, persons, False)


async def active_cases(pool: asyncpg.Pool, definition: IndicatorDefinition,
                       by: Sequence[str], threshold: int) -> list[Cell]:
    """Open cases, with the number of distinct clients behind each cell."""
    _check(definition, by)
    columns = [f"{_CASE_DIMENSIONS[name]} AS {name}" for name in by]
    select = ", ".join([*columns, "count(*) AS cases",
                        "count(DISTINCT client_pseudonym) AS persons"])
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    order = f" ORDER BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    # The dimension expressions come only from the whitelist above.
    sql = f"SELECT {select} FROM case_facts WHERE closed_on IS NULL{group}{order}"  # noqa: S608
    async with pool.acquire() as connection:
        rows = await connection.fetch(sql)
    return [
        _suppress({name: row[name] for name in by}, row["cases"], row["persons"], threshold)
        for row in rows
    ]


async def input_positions(pool: asyncpg.Pool) -> dict[str, dict[str, int]]:
    """Per topic and partition, the last offset applied to the facts."""
    async with pool.acquire() as connection:
        rows = await connection.fetch(
            "SELECT topic, partition, last_offset FROM input_positions ORDER BY 1, 2"
        )
    positions: dict[str, dict[str, int]] = {}
    for row in rows:
        positions.setdefault(row["topic"], {})[str(row["partition"])] = row["last_offset"]
    return positions


def cell_json(cell: Cell) -> dict[str, Any]:
    return {
        **cell.dimensions, "value": cell.value, "numerator": cell.numerator,
        "denominator": cell.denominator, "persons": cell.persons, "suppressed": cell.suppressed,
    }
