"""The reference population per district, age band and year, imported with its source.

Imports only append: a later import of the same district, age band and year
supersedes the earlier one from its import time on, so indicators as of an
earlier time still use the figures known then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from shared.projection import Connection

COLUMNS = ("district", "age_band", "year", "population")


class InvalidPopulation(ValueError):
    """A population file or row that cannot be imported."""


@dataclass(frozen=True)
class PopulationRow:
    """Inhabitants of one district and age band in one year."""

    district: str
    age_band: str
    year: int
    population: int


def rows_from_csv(text: str) -> list[PopulationRow]:
    """Rows of a CSV file with the columns district, age_band, year, population."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise InvalidPopulation(f"the file has no column {', '.join(missing)}")
    rows = []
    for line, record in enumerate(reader, start=2):
        try:
            row = PopulationRow(record["district"].strip(), record["age_band"].strip(),
                                int(record["year"]), int(record["population"]))
        except (TypeError, ValueError) as error:
            raise InvalidPopulation(f"line {line}: {error}") from error
        if not row.district or not row.age_band or row.population < 0:
            raise InvalidPopulation(f"line {line}: district, age band and a population >= 0")
        rows.append(row)
    return rows


async def import_population(connection: Connection, rows: Sequence[PopulationRow], *,
                            source: str, imported_by: str) -> int:
    """Append the rows in one transaction; the number imported."""
    if not source.strip():
        raise InvalidPopulation("the source of the figures is required")
    async with connection.transaction():
        await connection.executemany(
            """INSERT INTO reference.population
               (district, age_band, year, population, source, imported_by)
               VALUES ($1, $2, $3, $4, $5, $6)""",
            [(row.district, row.age_band, row.year, row.population, source, imported_by)
             for row in rows])
    return len(rows)
