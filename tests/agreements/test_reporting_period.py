"""Reporting periods: the days a label names, and when their report is due."""

from __future__ import annotations

from datetime import date

import pytest

from services.agreements.domain import Period, ReportingObligation, reporting_period
from shared.vocabulary import ReportingFrequency
from tests.agreements.builders import broken_rule


@pytest.mark.parametrize(("frequency", "label", "expected"), [
    (ReportingFrequency.MONTHLY, "2026-02",
     Period("2026-02", date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 30))),
    (ReportingFrequency.QUARTERLY, "2026-Q4",
     Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 30))),
    (ReportingFrequency.HALF_YEARLY, "2026-H1",
     Period("2026-H1", date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 30))),
    (ReportingFrequency.YEARLY, "2026",
     Period("2026", date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 30))),
])
def test_a_period_label_names_its_days_and_its_due_date(
        frequency: ReportingFrequency, label: str, expected: Period) -> None:
    obligation = ReportingObligation(due_days=30, frequency=frequency)

    assert reporting_period(label, obligation) == expected


@pytest.mark.parametrize(("frequency", "label"), [
    (ReportingFrequency.MONTHLY, "2026-Q1"),
    (ReportingFrequency.MONTHLY, "2026-13"),
    (ReportingFrequency.QUARTERLY, "2026-Q5"),
    (ReportingFrequency.QUARTERLY, "2026"),
    (ReportingFrequency.HALF_YEARLY, "2026-H3"),
    (ReportingFrequency.YEARLY, "26"),
])
def test_a_period_label_not_in_the_agreed_frequency_is_rejected(
        frequency: ReportingFrequency, label: str) -> None:
    obligation = ReportingObligation(due_days=30, frequency=frequency)

    rule = broken_rule(lambda: reporting_period(label, obligation))

    assert rule == "period_must_match_reporting_frequency"


def test_the_periods_of_a_term_are_listed_in_order() -> None:
    from services.agreements.domain.values import periods_between

    quarterly = ReportingObligation(due_days=30)

    periods = periods_between(date(2026, 2, 15), date(2026, 7, 1), quarterly)

    assert [p.label for p in periods] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert periods[0].due_on == date(2026, 4, 30)


def test_monthly_and_yearly_periods_are_labelled_as_their_frequency_says() -> None:
    from services.agreements.domain.values import period_label

    assert period_label(date(2026, 3, 9), ReportingFrequency.MONTHLY) == "2026-03"
    assert period_label(date(2026, 8, 9), ReportingFrequency.HALF_YEARLY) == "2026-H2"
    assert period_label(date(2026, 8, 9), ReportingFrequency.YEARLY) == "2026"
