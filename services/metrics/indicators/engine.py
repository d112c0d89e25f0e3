"""Answer one indicator for one period, along some dimensions, as known at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.metrics.catalog import IndicatorDefinition, Level
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.in_database import cells_in_database
from services.metrics.indicators.inhabitants import Inhabitants, population_of
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.periods import Grain, Period, grain_of
from shared.projection import Connection

_FINER = {Grain.YEAR: Grain.QUARTER, Grain.QUARTER: Grain.MONTH, Grain.MONTH: Grain.MONTH}


class UnknownDimension(ValueError):
    """A dimension the indicator does not allow."""


@dataclass(frozen=True)
class Question:
    """Which period, along which dimensions, as known when, and for whom."""

    period: Period
    by: tuple[str, ...] = ()
    grain: Grain | None = None  # of the period dimension; finer than the period by default
    as_of: datetime | None = None
    provider_id: str | None = None  # a provider sees only its own agreements

    def buckets(self) -> list[Period]:
        if "period" not in self.by:
            return [self.period]
        return self.period.split(self.grain or _FINER[grain_of(self.period)])


async def answer(connection: Connection, definition: IndicatorDefinition, question: Question,
                 threshold: int, *, today: date | None = None,
                 inhabitants: Inhabitants | None = None, kept: bool = True) -> list[Cell]:
    """The cells of an indicator; cells of fewer persons than `threshold` are withheld.

    Every indicator is counted in PostgreSQL (case_sql, agreement_sql). `today` (default:
    the day of as_of; one of them is needed) is the day up to which reports fall due;
    `inhabitants` (default: the population imported as of as_of) is the reference
    population of society indicators.
    """
    if inhabitants is None and definition.level is Level.SOCIETY:
        inhabitants = await Knowledge(connection, question.as_of).population()
    check(definition, question)
    buckets = question.buckets()
    population = None
    if definition.level is Level.SOCIETY:
        population = population_of(inhabitants or {}, buckets)
    return await cells_in_database(
        connection, definition, question.by, buckets, question.as_of, question.provider_id,
        threshold if definition.counts_persons else 0, population,
        today or _day_of(question.as_of), kept=kept)


def _day_of(as_of: datetime | None) -> date:
    if as_of is None:
        raise ValueError("an answer about what is known now needs the day it counts as today")
    return as_of.date()


def today_of(as_of: datetime | None, now: datetime) -> date:
    """The day an answer counts as today: the day of `as_of`, else that of `now`."""
    return (as_of or now).date()


def check(definition: IndicatorDefinition, question: Question) -> None:
    """Raises UnknownDimension for a dimension the indicator does not allow."""
    unknown = [name for name in question.by if name not in definition.dimensions]
    if unknown:
        raise UnknownDimension(f"{definition.id} has no dimension {', '.join(unknown)}; "
                               f"allowed: {', '.join(definition.dimensions)}")


async def input_positions(connection: Connection) -> dict[str, dict[str, int]]:
    """Per topic and partition, the last offset applied to the facts."""
    rows = await connection.fetch(
        "SELECT topic, partition, last_offset FROM input_positions ORDER BY 1, 2")
    positions: dict[str, dict[str, int]] = {}
    for row in rows:
        positions.setdefault(row["topic"], {})[str(row["partition"])] = row["last_offset"]
    return positions
