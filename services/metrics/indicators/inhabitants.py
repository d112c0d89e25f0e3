"""The reference population of the society indicators: the inhabitants a cell counts per."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.metrics.indicators.cells import Population
from services.metrics.periods import Period

# (district, age band) -> year -> inhabitants, as imported (services.metrics.population)
Inhabitants = Mapping[tuple[str, str], Mapping[int, int]]


def population_of(inhabitants: Inhabitants, buckets: Sequence[Period]) -> Population:
    """Inhabitants of a cell: its district and age band if it names them, else all; of the
    latest year imported up to the cell's period's year."""
    years = {period.label: period.start.year for period in buckets}

    def population(cell: Mapping[str, str]) -> float | None:
        year = years.get(cell.get("period", ""), buckets[0].start.year)
        total, found = 0, False
        for (district, age_band), by_year in inhabitants.items():
            if cell.get("district", district) != district:
                continue
            if cell.get("age_band", age_band) != age_band:
                continue
            known = [y for y in by_year if y <= year]
            if known:
                total, found = total + by_year[max(known)], True
        return float(total) if found else None

    return population
