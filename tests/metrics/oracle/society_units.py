"""Units of the society indicators; the reference population is the cells' denominator."""

from __future__ import annotations

from collections.abc import Sequence

from services.metrics.periods import Period
from tests.metrics.oracle.cells import Unit
from tests.metrics.oracle.snapshot import Snapshot

Buckets = Sequence[Period]


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
