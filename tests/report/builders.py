"""A report built by hand: values of every kind, and hostile strings where data goes."""

from __future__ import annotations

from datetime import UTC, datetime

from services.metrics.catalog import CATALOG
from services.metrics.periods import Grain, parse_period
from shared.access_log import AccessCount
from shared.indicators import IndicatorId
from shared.report.model import (
    Accesses,
    ChainStatus,
    Figures,
    IndicatorValues,
    Report,
    ReportPeriod,
    Restated,
    Restatement,
)
from wirkung.report.gather import indicator

HOSTILE = '<script>alert("x")</script>&<b>'


def cell(value: float | None, *, suppressed: bool = False, persons: int | None = 7) -> Figures:
    if suppressed:
        return Figures(None, None, None, None, True)
    return Figures(value, value, None, persons, False)


def a_period(label: str) -> ReportPeriod:
    chosen = parse_period(label)
    return ReportPeriod(chosen.label, chosen.start, chosen.end,
                        tuple(month.label for month in chosen.split(Grain.MONTH)))


def a_report(*, period: str = "2026-Q1", ended: bool = True, broken: bool = False,
             failed: bool = False) -> Report:
    chosen = a_period(period)
    months = chosen.months
    values = [1.0 + index for index in range(len(months))]
    indicators = [
        IndicatorValues(indicator(CATALOG[IndicatorId.ACTIVE_CASES]), cell(sum(values)),
                        [(m, cell(v)) for m, v in zip(months, values, strict=True)],
                        {"definition_hash": "sha256:abc", "input_positions": {"t": {"0": 4}}}),
        IndicatorValues(indicator(CATALOG[IndicatorId.PLANNED_CLOSURE_RATE]), cell(0.5),
                        [(m, None if i == 1 else cell(0.25 * (i + 1)))
                         for i, m in enumerate(months)],
                        {"definition_hash": HOSTILE}),
        IndicatorValues(indicator(CATALOG[IndicatorId.REENTRY_RATE]), cell(None, suppressed=True),
                        [(m, cell(None, suppressed=True)) for m in months], {}),
    ]
    findings = (f"position 3 (aggregate {HOSTILE}): event edited",) if broken else ()
    return Report(
        period=chosen, made_at=datetime(2026, 5, 2, 9, 30, tzinfo=UTC),
        chains=[ChainStatus("agreements", 10, 10, 2, 1, 1, ()),
                ChainStatus("cases", 5, 5, 1, 1, 0, findings,
                            failure=HOSTILE if failed else None)],
        indicators=indicators, period_ended=ended,
        restatements=[Restated(
            str(IndicatorId.ACTIVE_CASES), datetime(2026, 4, 1, tzinfo=UTC), None,
            [Restatement(str(IndicatorId.ACTIVE_CASES), chosen.label,
                         datetime(2026, 4, 3, 8, tzinfo=UTC), None, cell(1.0),
                         (f"CaseOpened {HOSTILE} v1", "+2 more"))], examined=50, left=7)],
        accesses=[Accesses("cases", [AccessCount("caseworker", "Hilfeplanung", 12, 1),
                                     AccessCount(HOSTILE, HOSTILE, 0, 3)]),
                  Accesses("agreements", [AccessCount("provider", "agreements", 0, 2)])],
        disclosure_threshold=5)



