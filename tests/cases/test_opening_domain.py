"""What opening a case derives: the age band from the birth date, and re-entry."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import age_band_on, is_reentry
from tests.shared.test_closures import BOUNDARIES


@pytest.mark.parametrize(("birth_date", "day", "band"), [
    (date(2010, 6, 15), date(2026, 6, 14), "14-17"),  # the day before the 16th birthday
    (date(2008, 6, 15), date(2026, 6, 14), "14-17"),  # one day short of 18
    (date(2008, 6, 15), date(2026, 6, 15), "18-26"),  # 18 on the day
    (date(2026, 1, 1), date(2026, 3, 1), "0-5"),
    (date(2026, 5, 1), date(2026, 3, 1), "0-5"),  # early help before birth
    (date(2020, 3, 1), date(2026, 3, 1), "6-13"),
    (date(1999, 3, 2), date(2026, 3, 1), "18-26"),  # 26 until tomorrow
    (date(1999, 3, 1), date(2026, 3, 1), "27-44"),
    (date(1981, 3, 1), date(2026, 3, 1), "45-64"),
    (date(1961, 3, 2), date(2026, 3, 1), "45-64"),
    (date(1961, 3, 1), date(2026, 3, 1), "65+"),
    (date(2008, 2, 29), date(2026, 2, 28), "14-17"),  # born on 29 February
    (date(2008, 2, 29), date(2026, 3, 1), "18-26"),
])
def test_the_age_band_is_the_completed_years_on_the_day(birth_date: date, day: date,
                                                         band: str) -> None:
    assert age_band_on(birth_date, day) == band


@pytest.mark.parametrize(("last_closed_on", "opened_on", "reentry"), [
    (None, date(2026, 3, 1), False),
    (date(2026, 3, 1), date(2026, 3, 1), True),
    (date(2025, 3, 1), date(2026, 3, 1), True),  # twelve months to the day
    (date(2025, 3, 1), date(2026, 3, 2), False),
    (date(2026, 3, 2), date(2026, 3, 1), False),  # a closure after the opening does not count
    *BOUNDARIES,  # the window the metrics service counts the re-entry rate with
])
def test_a_case_within_twelve_months_after_a_closure_is_a_reentry(
        last_closed_on: date | None, opened_on: date, reentry: bool) -> None:
    assert is_reentry(last_closed_on, opened_on) is reentry
