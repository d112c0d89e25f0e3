"""Cells of an indicator: one per combination of dimension values, small ones withheld.

PostgreSQL adds up what each cell counts (`in_database`); `cell_of` decides
what the cell shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.metrics.catalog import Aggregation, IndicatorDefinition

NONE = "-"  # the value of a dimension a unit has no value for (a case without services)
Population = Callable[[Mapping[str, str]], float | None]


@dataclass(frozen=True)
class Cell:
    """One value of an indicator for one combination of dimension values."""

    dimensions: dict[str, str]
    value: float | None
    numerator: float | None
    denominator: float | None
    persons: int | None
    suppressed: bool
    # The cell key (sum of its persons' record keys): where its noise is looked up
    # (`disclosure`); None for a cell of no person of a case. Never published.
    key: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {**self.dimensions, "value": self.value, "numerator": self.numerator,
                "denominator": self.denominator, "persons": self.persons,
                "suppressed": self.suppressed}


@dataclass(frozen=True)
class Totals:
    """What the units of one cell add up to (however they were counted)."""

    numerator: float
    denominator: float
    reference: tuple[float, float]
    median: float | None  # of the units' values
    values: int  # units with a value
    persons: int  # distinct persons, plus the headcounts reports give
    distinct_persons: int  # distinct persons only
    key: int | None = None  # the sum of the distinct persons' record keys (mod 2^64)


def cell_of(dimensions: dict[str, str], totals: Totals, definition: IndicatorDefinition,
            threshold: int, population: Population | None) -> Cell:
    """The cell of a combination of dimension values, withheld if it counts too few persons."""
    persons = totals.persons if definition.counts_persons else None
    if persons is not None and persons < threshold:
        return Cell(dimensions, None, None, None, None, True)
    value, numerator, denominator = _value(definition, totals, population, dimensions)
    return Cell(dimensions, _round(value), _round(numerator), _round(denominator), persons,
                False, totals.key)


def record_key(pseudonym: str) -> int:
    """A person's record key: the first 64 bits of md5 of the pseudonym, signed, as
    `disclosure.RECORD_KEY_SQL` computes it in PostgreSQL. Not secret: the noise is keyed."""
    return int.from_bytes(hashlib.md5(pseudonym.encode()).digest()[:8], "big",  # noqa: S324
                          signed=True)


def _value(definition: IndicatorDefinition, totals: Totals, population: Population | None,
           dimensions: Mapping[str, str]) -> tuple[float | None, float | None, float | None]:
    kind = definition.aggregation
    if kind is Aggregation.COUNT:
        return totals.numerator, totals.numerator, None
    if kind is Aggregation.RATIO:
        return _share(totals.numerator, totals.denominator), totals.numerator, totals.denominator
    if kind is Aggregation.MEDIAN:
        return totals.median, None, float(totals.values)
    if kind is Aggregation.DIFFERENCE:
        reported = _share(totals.numerator, totals.denominator)
        logged = _share(*totals.reference)
        gap = None if reported is None or logged is None else reported - logged
        return gap, reported, logged
    counted = float(totals.distinct_persons) if kind is Aggregation.PERSONS_PER_POPULATION \
        else totals.numerator
    inhabitants = population(dimensions) if population is not None else None
    if not inhabitants:
        return None, counted, inhabitants
    return counted / inhabitants * definition.scale, counted, inhabitants


def _share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _round(number: float | None) -> float | None:
    return None if number is None else round(float(number), 6)
