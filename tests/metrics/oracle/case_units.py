"""Units of the case and target-group indicators: one per case (or closure) and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from services.metrics.periods import Period
from shared.closures import PLANNED, SUCCESSFUL, within_reentry_window
from tests.metrics.oracle.cases import CaseRecord
from tests.metrics.oracle.cells import Unit
from tests.metrics.oracle.snapshot import Snapshot

Buckets = Sequence[Period]


def _active(snapshot: Snapshot, buckets: Buckets) -> Iterator[tuple[Period, CaseRecord]]:
    for period in buckets:
        for case in snapshot.cases.values():
            if case.active_in(period):
                yield period, case


def _closed(snapshot: Snapshot, buckets: Buckets) -> Iterator[tuple[Period, CaseRecord, str]]:
    for period in buckets:
        for case in snapshot.cases.values():
            closure = case.closed_in(period)
            if closure is not None:
                yield period, case, closure.reason or ""


def _unit(snapshot: Snapshot, period: Period, case: CaseRecord, numerator: float,
          denominator: float = 1.0, value: float | None = None) -> Unit:
    return Unit(snapshot.case_dims(case, period), numerator, denominator, value, (case.client,))


def active_cases(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, 1.0, 0.0) for period, case in _active(snapshot, buckets)]


def gas_t_score(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, score)
            for period, case in _active(snapshot, buckets)
            if (score := case.t_score_on(period.end)) is not None]


def goals_at_or_above_expected(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    units = []
    for period, case in _active(snapshot, buckets):
        at_or_above, reviewed = case.goals_at_or_above_expected_on(period.end)
        if reviewed:
            units.append(_unit(snapshot, period, case, at_or_above, reviewed))
    return units


def case_duration(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, case.duration_until(period.end))
            for period, case in _active(snapshot, buckets)]


def goal_attainment_rate(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, 1.0 if score >= 50 else 0.0)
            for period, case, _ in _closed(snapshot, buckets)
            if (score := case.t_score_on(_closure_day(case))) is not None]


def mean_t_score_at_closure(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, score)
            for period, case, _ in _closed(snapshot, buckets)
            if (score := case.t_score_on(_closure_day(case))) is not None]


def _closure_day(case: CaseRecord) -> date:
    assert case.closure is not None
    return case.closure.on


def planned_closure_rate(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, 1.0 if reason in PLANNED else 0.0)
            for period, case, reason in _closed(snapshot, buckets)]


def median_duration(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, 0.0, 1.0, float((_closure_day(case) -
                                                          case.opened_on).days))
            for period, case, _ in _closed(snapshot, buckets)]


def days_to_first_service(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    units = []
    for period in buckets:
        for case in snapshot.cases.values():
            first = case.first_service_start
            if first is not None and period.contains(first):
                units.append(_unit(snapshot, period, case, max(0, (first - case.opened_on).days)))
    return units


def cost_per_successful_outcome(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    return [_unit(snapshot, period, case, float(case.cost(snapshot.price_of)) / 100,
                  1.0 if reason in SUCCESSFUL else 0.0)
            for period, case, reason in _closed(snapshot, buckets)]


def reentry_rate(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    openings: dict[str, list[tuple[date, CaseRecord]]] = defaultdict(list)
    for case in snapshot.cases.values():
        openings[case.client].append((case.opened_on, case))
    units = []
    for period in buckets:
        for case in snapshot.cases.values():
            for index, change in enumerate(case.changes):
                if change.status != "closed" or change.reason not in SUCCESSFUL:
                    continue
                if not period.contains(change.on):
                    continue
                reopened = any(later.status == "reopened"
                               and within_reentry_window(change.on, later.on)
                               for later in case.changes[index + 1:])
                returned = any(other is not case and within_reentry_window(change.on, opened)
                               for opened, other in openings[case.client])
                units.append(_unit(snapshot, period, case, 1.0 if reopened or returned else 0.0))
    return units
