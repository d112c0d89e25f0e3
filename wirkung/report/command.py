"""`wirkung audit report`: gather, render, write one file."""

from __future__ import annotations

from pathlib import Path

from services.metrics.application import InvalidPeriod, parse_period
from shared.report.html import render
from wirkung.report.gather import gather, progress


def write_report(period_label: str, out: Path, home: Path) -> int:
    """Write the report; exit status 1 (after writing it) when a chain is broken."""
    try:
        period = parse_period(period_label)
    except InvalidPeriod as error:
        raise SystemExit(f"wirkung audit report: {error}") from error
    report = gather(period, home)
    progress(f"Writing {out} ...")
    out.write_text(render(report), encoding="utf-8")
    accesses = sum(a.granted + a.refused for log in report.accesses for a in log.counts)
    print(f"{out}: {period.label}, chains {'intact' if report.intact else 'BROKEN'}, "
          f"{len(report.indicators)} indicators, {len(report.restatements)} restatements, "
          f"{accesses} accesses")
    return 0 if report.intact else 1
