"""Units counted into cells in Python: the oracle's counterpart of `in_database`."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import NONE, Cell, Population, Totals, cell_of, record_key


@dataclass(frozen=True)
class Unit:
    """What one counted thing (a case, a report, an agreement's period) adds to its cells."""

    dims: Mapping[str, tuple[str, ...]]  # each dimension: the values it counts under
    numerator: float = 0.0
    denominator: float = 0.0
    value: float | None = None  # for medians
    persons: tuple[str, ...] = ()  # pseudonyms of the persons behind it
    headcount: tuple[str, int] | None = None  # (agreement, persons a report says it served)
    reference: tuple[float, float] = (0.0, 0.0)  # the compared share's numerator, denominator


@dataclass
class _Tally:
    numerator: float = 0.0
    denominator: float = 0.0
    reference: list[float] = field(default_factory=lambda: [0.0, 0.0])
    values: list[float] = field(default_factory=list)
    persons: set[str] = field(default_factory=set)
    headcounts: dict[str, int] = field(default_factory=dict)

    def add(self, unit: Unit) -> None:
        self.numerator += unit.numerator
        self.denominator += unit.denominator
        self.reference[0] += unit.reference[0]
        self.reference[1] += unit.reference[1]
        if unit.value is not None:
            self.values.append(unit.value)
        self.persons.update(unit.persons)
        if unit.headcount is not None:
            agreement, count = unit.headcount
            # The same agreement's reports count the same people again; others add.
            self.headcounts[agreement] = max(self.headcounts.get(agreement, 0), count)

    def totals(self) -> Totals:
        return Totals(self.numerator, self.denominator, (self.reference[0], self.reference[1]),
                      statistics.median(self.values) if self.values else None,
                      len(self.values), len(self.persons) + sum(self.headcounts.values()),
                      len(self.persons), _cell_key(self.persons))


def _cell_key(persons: set[str]) -> int | None:
    """The sum of the record keys (see `disclosure`) of the persons, mod 2^64."""
    if not persons:
        return None
    return sum(record_key(person) for person in persons) % 2**64


def cells_of(units: Iterable[Unit], by: Sequence[str], definition: IndicatorDefinition,
             threshold: int, population: Population | None = None) -> list[Cell]:
    """Count the units into cells along `by`, in the order of their dimension values."""
    tallies: dict[tuple[str, ...], _Tally] = {}
    for unit in units:
        for key in product(*((unit.dims.get(name) or (NONE,)) for name in by)):
            tallies.setdefault(key, _Tally()).add(unit)
    return [cell_of(dict(zip(by, key, strict=True)), tallies[key].totals(), definition,
                    threshold, population) for key in sorted(tallies)]
