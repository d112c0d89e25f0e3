"""`wirkung audit report`: gather, render, write one file."""

from __future__ import annotations

from pathlib import Path

from services.metrics.periods import InvalidPeriod, parse_period
from wirkung.report.gather import gather, progress
from wirkung.report.html import render


def write_report(period_label: str, out: Path, home: Path) -> int:
    """Write the report; exit status 1 (after writing it) when a chain is broken."""
    try:
        period = parse_period(period_label)
    except InvalidPeriod as error:
        raise SystemExit(f"wirkung audit report: {error}") from error
    report = gather(period, home)
    progress(f"Writing {out} ...")
    out.write_text(render(report), encoding="utf-8")
    intact = all(check.verification.intact for check in report.chains)
    print(f"{out}: {period.label}, chains {'intact' if intact else 'BROKEN'}, "
          f"{len(report.indicators)} indicators, {len(report.restatements)} restatements, "
          f"{sum(a.granted + a.refused for a in report.accesses)} accesses")
    return 0 if intact else 1
