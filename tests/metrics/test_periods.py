"""Periods name months, quarters and years, and split into finer ones."""

from __future__ import annotations

from datetime import date

import pytest

from services.metrics.periods import Grain, InvalidPeriod, parse_period


@pytest.mark.parametrize(("label", "start", "end"), [
    ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_a_label_names_its_days(label: str, start: date, end: date) -> None:
    period = parse_period(label)

    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("label", ["2026-13", "2026-Q5", "26", "2026-1", "März"])
def test_anything_else_is_no_period(label: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(label)


def test_a_year_splits_into_quarters_and_months() -> None:
    year = parse_period("2026")

    assert [p.label for p in year.split(Grain.QUARTER)] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert len(year.split(Grain.MONTH)) == 12


def test_overlap_counts_whole_days_on_both_ends() -> None:
    march = parse_period("2026-03")

    assert march.overlap_days(date(2026, 2, 20), date(2026, 3, 5)) == 5
    assert march.overlap_days(date(2026, 4, 1), date(2026, 4, 30)) == 0
