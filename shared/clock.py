"""What day and moment it is, from one clock made at a service's composition root.

Production reads the system's; tests fix one, so that what depends on the day (an agreement's
status, a report's lateness, the work list) is computed for a known day. Routes never read the
time themselves: they ask the application, which holds the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol


class Clock(Protocol):
    def today(self) -> date:
        """The calendar day it is where the service runs."""

    def now(self) -> datetime:
        """The moment it is, in UTC."""


class SystemClock:
    """The machine's clock."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped on one day (at noon UTC), for tests and reproducible runs."""

    day: date

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(12), tzinfo=UTC)


def clock_for(fixed_day: date | None) -> Clock:
    """The system's clock, or one stopped on `fixed_day` (`WIRKUNG_FIXED_DAY`).

    A fixed day is for tests and demonstrations, so that what depends on the day comes out
    the same whatever the calendar says; an installation in use never sets one.
    """
    return SystemClock() if fixed_day is None else FixedClock(fixed_day)
