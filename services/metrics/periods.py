"""Calendar periods: a month `2026-03`, a quarter `2026-Q1`, a year `2026`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

# The months of an agreement's reporting period, by its reporting frequency; reporting
# periods run from 1 January of the term's first year.
REPORTING_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
_LABEL = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")
# What the API takes: a label as `parse_period` reads it, from the year 1000 on.
PERIOD_PATTERN = r"^[1-9][0-9]{3}(-(Q[1-4]|0[1-9]|1[0-2]))?$"


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class InvalidPeriod(ValueError):
    """A text that names no month, quarter or year."""


@dataclass(frozen=True, order=True)
class Period:
    """A run of whole days from `start` to `end`, both included."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlap_days(self, start: date, end: date) -> int:
        """Days from `start` to `end` (both included) that fall into this period."""
        return max(0, (min(self.end, end) - max(self.start, start)).days + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def split(self, grain: Grain) -> list[Period]:
        """The periods of `grain` that make up this one (itself if it is finer)."""
        parts, day = [], self.start
        while day <= self.end:
            part = containing(day, grain)
            parts.append(part)
            day = part.end + timedelta(days=1)
        return parts


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period:
    """The period a label names; raises InvalidPeriod otherwise."""
    match = _LABEL.fullmatch(label.strip())
    if match is None:
        raise InvalidPeriod(f"{label!r} is no period; use 2026-03, 2026-Q1 or 2026")
    year = int(match[1])
    if match[2]:
        return _months(year, (int(match[2]) - 1) * 3 + 1, 3, f"{year}-Q{match[2]}")
    if match[3]:
        return _months(year, int(match[3]), 1, f"{year}-{match[3]}")
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def containing(day: date, grain: Grain) -> Period:
    """The month, quarter or year that contains `day`."""
    if grain is Grain.MONTH:
        return parse_period(f"{day.year}-{day.month:02d}")
    if grain is Grain.QUARTER:
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))


def grain_of(period: Period) -> Grain:
    if "Q" in period.label:
        return Grain.QUARTER
    return Grain.MONTH if "-" in period.label else Grain.YEAR


def _months(year: int, first_month: int, count: int, label: str) -> Period:
    start = date(year, first_month, 1)
    after = first_month + count
    next_start = date(year + 1, 1, 1) if after > 12 else date(year, after, 1)
    return Period(start, next_start - timedelta(days=1), label)
