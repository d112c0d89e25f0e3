"""A report built by hand: values of every kind, and hostile strings where data goes."""

from __future__ import annotations

from datetime import UTC, datetime

from services.metrics.catalog import CATALOG
from services.metrics.indicators.cells import Cell
from services.metrics.periods import Grain, parse_period
from shared.access_log import AccessCount
from shared.audit.verify import Finding, Verification
from shared.indicators import IndicatorId
from wirkung.audit import ChainCheck
from wirkung.report.model import IndicatorValues, Report, Restated, Restatement

HOSTILE = '<script>alert("x")</script>&<b>'


def cell(value: float | None, *, month: str | None = None, suppressed: bool = False,
         persons: int | None = 7) -> Cell:
    dimensions = {} if month is None else {"period": month}
    if suppressed:
        return Cell(dimensions, None, None, None, None, True)
    return Cell(dimensions, value, value, None, persons, False)


def a_report(*, period: str = "2026-Q1", ended: bool = True, broken: bool = False) -> Report:
    chosen = parse_period(period)
    months = chosen.split(Grain.MONTH)
    values = [1.0 + index for index in range(len(months))]
    indicators = [
        IndicatorValues(CATALOG[IndicatorId.ACTIVE_CASES], cell(sum(values)),
                        [(m, cell(v, month=m.label)) for m, v in zip(months, values, strict=True)],
                        {"definition_hash": "sha256:abc", "input_positions": {"t": {"0": 4}}}),
        IndicatorValues(CATALOG[IndicatorId.PLANNED_CLOSURE_RATE], cell(0.5),
                        [(m, None if i == 1 else cell(0.25 * (i + 1), month=m.label))
                         for i, m in enumerate(months)],
                        {"definition_hash": HOSTILE}),
        IndicatorValues(CATALOG[IndicatorId.REENTRY_RATE], cell(None, suppressed=True),
                        [(m, cell(None, month=m.label, suppressed=True)) for m in months],
                        {}),
    ]
    findings = [Finding(3, HOSTILE, "event edited")] if broken else []
    return Report(
        period=chosen, made_at=datetime(2026, 5, 2, 9, 30, tzinfo=UTC),
        chains=[ChainCheck(Verification("agreements", 10, 10, 2, []), 1, 1),
                ChainCheck(Verification("cases", 5, 5, 1, findings), 1, 0)],
        indicators=indicators, period_ended=ended,
        restatements=[Restated(
            str(IndicatorId.ACTIVE_CASES), datetime(2026, 4, 1, tzinfo=UTC), None,
            [Restatement(str(IndicatorId.ACTIVE_CASES), chosen.label,
                         datetime(2026, 4, 3, 8, tzinfo=UTC), None, cell(1.0),
                         (f"CaseOpened {HOSTILE} v1", "+2 more"))], examined=50, left=7)],
        accesses=[AccessCount("caseworker", "Hilfeplanung", 12, 1),
                  AccessCount(HOSTILE, HOSTILE, 0, 3)],
        disclosure_threshold=5)
