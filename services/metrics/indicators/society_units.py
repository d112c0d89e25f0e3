"""Units of the society indicators; the reference population is the cells' denominator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.metrics.indicators.cells import Population, Unit
from services.metrics.indicators.snapshot import Snapshot
from services.metrics.periods import Period

Buckets = Sequence[Period]
Inhabitants = Mapping[tuple[str, str], Mapping[int, int]]


def active_cases(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [Unit(snapshot.case_dims(case, period), 1.0, persons=(case.client,))
            for period in buckets for case in snapshot.cases.values()
            if case.active_in(period)]


def spend(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    units = []
    for period in buckets:
        for case in snapshot.cases.values():
            cost = case.cost(snapshot.price_of, period)
            if cost:
                units.append(Unit(snapshot.case_dims(case, period), float(cost) / 100,
                                  persons=(case.client,)))
    return units


def population_of(inhabitants: Inhabitants, buckets: Buckets) -> Population:
    """Inhabitants of a cell: its district and age band if it names them, else all."""
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
