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
# The longest texts the API takes (its models say the same).
LONGEST = {"district": 100, "age_band": 20}


class InvalidPopulation(ValueError):
    """A population file or row that cannot be imported."""


@dataclass(frozen=True)
class PopulationRow:
    """Inhabitants of one district and age band in one year."""

    district: str
    age_band: str
    year: int
    population: int


@dataclass(frozen=True)
class LineError:
    """Why one line (1: the header) of a population file cannot be imported, by a `kind`:
    missing_column, empty, not_a_whole_number, negative, year_out_of_range, too_long,
    no_rows."""

    line: int
    column: str | None
    kind: str

    def __str__(self) -> str:
        if self.kind == "missing_column":
            return f"the file has no column {self.column}"
        return f"line {self.line}" + (f", {self.column}" if self.column else "") + \
            f": {self.kind.replace('_', ' ')}"


def read_csv(text: str) -> tuple[list[PopulationRow], list[LineError]]:
    """The rows of a CSV file with the columns district, age_band, year, population (separated
    by commas, or by semicolons as spreadsheets in German save them), and every line's errors."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    names = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = names
    missing = [LineError(1, name, "missing_column") for name in COLUMNS if name not in names]
    if missing:
        return [], missing
    rows: list[PopulationRow] = []
    errors: list[LineError] = []
    for line, record in enumerate(reader, start=2):
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue  # a blank line
        row, found = _row(line, record)
        errors.extend(found)
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(LineError(2, None, "no_rows"))
    return rows, errors


def _row(line: int, record: dict[str, str | None]) -> tuple[PopulationRow | None,
                                                             list[LineError]]:
    values = {name: (record.get(name) or "").strip() for name in COLUMNS}
    errors = [LineError(line, name, "empty") for name in COLUMNS if not values[name]]
    errors += [LineError(line, name, "too_long") for name, longest in LONGEST.items()
               if len(values[name]) > longest]
    numbers: dict[str, int] = {}
    for name in ("year", "population"):
        if not values[name]:
            continue
        try:
            numbers[name] = int(values[name])
        except ValueError:
            errors.append(LineError(line, name, "not_a_whole_number"))
    if numbers.get("population", 0) < 0:
        errors.append(LineError(line, "population", "negative"))
    if "year" in numbers and not 1900 <= numbers["year"] <= 2200:
        errors.append(LineError(line, "year", "year_out_of_range"))
    if errors:
        return None, errors
    return PopulationRow(values["district"], values["age_band"], numbers["year"],
                         numbers["population"]), []


def rows_from_csv(text: str) -> list[PopulationRow]:
    """The rows of a CSV file (see `read_csv`); InvalidPopulation naming every error."""
    rows, errors = read_csv(text)
    if errors:
        raise InvalidPopulation("; ".join(str(error) for error in errors))
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
