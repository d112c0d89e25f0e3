"""The re-entry window after a closure: twelve calendar months, as § 188 BGB counts them."""

from __future__ import annotations

from datetime import date

import pytest

from shared.closures import reentry_window_end, within_reentry_window

# (closed on, a later day, whether that day is in the window) — the cases service's flag
# and the metrics service's re-entry rate are checked against the same boundaries.
BOUNDARIES = [
    (date(2025, 3, 10), date(2026, 3, 10), True),  # day 365, twelve months to the day
    (date(2025, 3, 10), date(2026, 3, 11), False),  # day 366
    (date(2023, 3, 10), date(2024, 3, 10), True),  # day 366 across a 29 February
    (date(2023, 3, 10), date(2024, 3, 11), False),
    (date(2024, 2, 29), date(2025, 2, 28), True),  # no 29 February: the month's last day
    (date(2024, 2, 29), date(2025, 3, 1), False),
]


@pytest.mark.parametrize(("closed_on", "day", "within"), BOUNDARIES)
def test_the_window_runs_twelve_calendar_months_from_the_closure(
        closed_on: date, day: date, within: bool) -> None:
    assert within_reentry_window(closed_on, day) is within


def test_the_window_starts_on_the_day_of_the_closure() -> None:
    assert within_reentry_window(date(2026, 3, 1), date(2026, 3, 1))
    assert not within_reentry_window(date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.parametrize(("closed_on", "last_day"), [
    (date(2025, 1, 31), date(2026, 1, 31)), (date(2025, 12, 31), date(2026, 12, 31)),
    (date(2024, 2, 29), date(2025, 2, 28)), (date(2027, 2, 28), date(2028, 2, 28)),
])
def test_the_last_day_of_the_window(closed_on: date, last_day: date) -> None:
    assert reentry_window_end(closed_on) == last_day
