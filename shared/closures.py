"""What a case's closure means to the figures: a success, a planned end, a re-entry after it.

The cases service marks a new case as a re-entry, the metrics service counts
the re-entry rate (in SQL, these passed as query parameters): one definition of
each, so the two cannot drift apart.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from shared.vocabulary import ClosureReason

# A successful closure: the help ended as planned and its goals were achieved.
SUCCESSFUL = frozenset({ClosureReason.PLANNED_GOALS_ACHIEVED})
PLANNED = frozenset({ClosureReason.PLANNED_GOALS_ACHIEVED, ClosureReason.PLANNED_PARTIALLY})
REENTRY_MONTHS = 12


def reentry_window_end(closed_on: date) -> date:
    """The last day of the re-entry window after a closure: the same day REENTRY_MONTHS
    later, or the last day of that month if it has none (§ 188 (3) BGB, which § 26 SGB X
    applies): a closure on 29 February 2024 is followed by a window to 28 February 2025.

    PostgreSQL's `day + make_interval(months => n)` counts the same way.
    """
    months = closed_on.month - 1 + REENTRY_MONTHS
    year, month = closed_on.year + months // 12, months % 12 + 1
    return date(year, month, min(closed_on.day, monthrange(year, month)[1]))


def within_reentry_window(closed_on: date, day: date) -> bool:
    """Whether `day` is in the re-entry window of a closure: from the day of the closure
    to the last day of its window, both included."""
    return closed_on <= day <= reentry_window_end(closed_on)
