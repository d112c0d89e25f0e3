"""Units of the agreement and provider indicators: per agreement, report and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.metrics.indicators.agreements import AgreementRecord, ReportRecord
from services.metrics.indicators.impact_goals import meets
from services.metrics.periods import Period
from shared.closures import SUCCESSFUL
from tests.metrics.oracle.cases import CaseRecord
from tests.metrics.oracle.cells import Unit
from tests.metrics.oracle.snapshot import Snapshot

Buckets = Sequence[Period]


def _cases_by_agreement(snapshot: Snapshot) -> dict[UUID, list[CaseRecord]]:
    served: dict[UUID, list[CaseRecord]] = defaultdict(list)
    for case in snapshot.cases.values():
        for agreement_id in case.agreements:
            served[agreement_id].append(case)
    return served


def _reports_in(snapshot: Snapshot, period: Period) -> list[tuple[ReportRecord, AgreementRecord]]:
    return [(report, snapshot.agreements[report.agreement_id]) for report in snapshot.reports
            if period.contains(report.end) and report.figures is not None
            and report.agreement_id in snapshot.agreements]


def impact_goal_achievement(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    units = []
    for period in buckets:
        for report, agreement in _reports_in(snapshot, period):
            figures = report.figures
            assert figures is not None
            for goal in agreement.term("impact_goals", report.end) or []:
                achieved, measured = figures.outcomes.get(goal["indicator_id"], (0, 0))
                if measured:
                    units.append(Unit(snapshot.agreement_dims(agreement, period),
                                      1.0 if meets(achieved, measured, goal) else 0.0, 1.0,
                                      headcount=(str(agreement.id), figures.participants)))
    return units


def budget_utilisation(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    served, units = _cases_by_agreement(snapshot), []
    for period in buckets:
        for agreement in snapshot.agreements.values():
            costs: dict[str, Decimal] = defaultdict(Decimal)  # a client may have two cases
            for case in served[agreement.id]:
                costs[case.client] += case.cost(snapshot.price_of, period, agreement.id)
            budget = agreement.budget_cents(period)
            spend = sum(costs.values(), Decimal(0))
            if budget or spend:
                units.append(Unit(snapshot.agreement_dims(agreement, period),
                                  float(spend) / 100, float(budget) / 100,
                                  persons=tuple(c for c, cost in costs.items() if cost)))
    return units


def capacity_utilisation(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    served, units = _cases_by_agreement(snapshot), []
    for period in buckets:
        for agreement in snapshot.agreements.values():
            days: dict[str, int] = defaultdict(int)
            for case in served[agreement.id]:
                days[case.client] += case.service_days(period, agreement.id)
            capacity = agreement.capacity_days(period)
            if capacity or any(days.values()):
                units.append(Unit(snapshot.agreement_dims(agreement, period),
                                  float(sum(days.values())), float(capacity),
                                  persons=tuple(c for c, d in days.items() if d)))
    return units


def report_timeliness(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    submitted = {(r.agreement_id, r.end): r for r in snapshot.reports}
    reported: dict[UUID, dict[date, date]] = defaultdict(dict)
    for record in snapshot.reports:
        reported[record.agreement_id][record.end] = record.due_on
    dues = {}  # per agreement: reporting period end -> due day, in order
    for agreement in snapshot.agreements.values():
        due = {p.end: agreement.due_on(p.end) for p in agreement.reporting_periods()}
        due = {end: on for end, on in due.items() if on < snapshot.today}
        due.update(reported[agreement.id])
        dues[agreement.id] = sorted(due.items())
    units = []
    for period in buckets:
        for agreement in snapshot.agreements.values():
            for end, due_on in dues[agreement.id]:
                if period.contains(due_on):
                    report = submitted.get((agreement.id, end))
                    on_time = report is not None and not report.late
                    units.append(Unit(snapshot.agreement_dims(agreement, period),
                                      1.0 if on_time else 0.0, 1.0))
    return units


def reported_vs_logged_success(snapshot: Snapshot, buckets: Buckets) -> list[Unit]:
    served, units = _cases_by_agreement(snapshot), []
    for period in buckets:
        for report, agreement in _reports_in(snapshot, period):
            figures = report.figures
            assert figures is not None
            achieved = sum(a for a, _ in figures.outcomes.values())
            measured = sum(m for _, m in figures.outcomes.values())
            closures = [(case.client, case.closure.reason) for case in served[agreement.id]
                        if case.closure is not None
                        and report.start <= case.closure.on <= report.end]
            if measured and closures:
                successes = sum(1 for _, reason in closures if reason in SUCCESSFUL)
                units.append(Unit(snapshot.agreement_dims(agreement, period), achieved, measured,
                                  persons=tuple(client for client, _ in closures),
                                  reference=(successes, len(closures))))
    return units
