"""What a case's help plan holds (goals, assigned services) and the rules of their values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from services.cases.domain import errors
from services.cases.domain.gas import LEVEL_KEYS, is_level

_PERIOD = re.compile(r"\d{4}-(Q[1-4]|0[1-9]|1[0-2])")


@dataclass
class Goal:
    """A help-plan goal (Hilfeplanziel) scaled from -2 to +2, with its reviews."""

    title: str
    levels: dict[str, str]
    weight: Decimal
    baseline: int
    reviewed_levels: list[int] = field(default_factory=list)

    @property
    def latest_level(self) -> int | None:
        return self.reviewed_levels[-1] if self.reviewed_levels else None


@dataclass
class AssignedService:
    """A service of a provider's agreement, assigned to the case."""

    agreement_id: UUID
    units_planned: Decimal
    unit: str
    start_date: date
    units_delivered: Decimal = Decimal(0)
    ended_on: date | None = None
    end_date: date | None = None  # the planned end ("bewilligt bis"), if the approval has one

    @property
    def running(self) -> bool:
        return self.ended_on is None


def checked_levels(levels: Mapping[str, str]) -> dict[str, str]:
    """The descriptions of the five levels, keyed "-2" to "2", each one written out."""
    if set(levels) != set(LEVEL_KEYS) or not all(
            isinstance(text, str) and text.strip() for text in levels.values()):
        raise errors.GoalLevelsIncompleteError('Describe the levels "-2" to "2", each.')
    return dict(levels)


def checked_weight(weight: Decimal | int | str) -> Decimal:
    """A goal's weight as a Decimal above zero."""
    positive = _positive_decimal(weight)
    if positive is None:
        raise errors.GoalWeightNotPositiveError(f"Weight {weight!r} is not above zero.")
    return positive


def checked_level(level: int) -> int:
    """A level of the scale, -2 to +2."""
    if not is_level(level):
        raise errors.LevelOutOfRangeError(f"Level {level!r} is not between -2 and 2.")
    return level


def checked_units(units: Decimal | int) -> Decimal:
    """Planned or delivered units as a Decimal above zero."""
    positive = _positive_decimal(units)
    if positive is None:
        raise errors.UnitsNotPositiveError(f"Units {units!r} are not above zero.")
    return positive


def checked_end_date(start_date: date, end_date: date | None) -> date | None:
    """A planned end on or after the start, or none."""
    if end_date is not None and end_date < start_date:
        raise errors.ServiceEndBeforeStartError(
            f"The planned end {end_date.isoformat()} lies before the start "
            f"{start_date.isoformat()}.")
    return end_date


def checked_period(period: str) -> str:
    """A quarter ("2026-Q1") or a month ("2026-03")."""
    if not _PERIOD.fullmatch(period):
        raise errors.MalformedPeriodError(f"Period {period!r} is not like 2026-Q1 or 2026-03.")
    return period


def _positive_decimal(value: Decimal | int | str) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None
