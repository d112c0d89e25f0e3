"""What a case's help plan holds (goals, assigned services) and the rules of their values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID, uuid5

from services.cases.domain import errors
from services.cases.domain.gas import LEVEL_KEYS, is_level

_PERIOD = re.compile(r"\d{4}-(Q[1-4]|0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Review:
    """One review of a goal: the level attained and the caseworker's note."""

    level: int
    note: str
    occurred_on: date
    version: int  # of the case when recorded: orders the reviews of one day


@dataclass
class Goal:
    """A help-plan goal (Hilfeplanziel) scaled from -2 to +2, with its reviews."""

    title: str
    levels: dict[str, str]
    weight: Decimal
    baseline: int
    set_on: date
    reviews: list[Review] = field(default_factory=list)
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None

    @property
    def reviewed_levels(self) -> list[int]:
        return [review.level for review in self.reviews]

    @property
    def latest_level(self) -> int | None:
        # By the day reviewed (then as recorded), as the T-score history and the metrics
        # order reviews: a review logged late for an earlier day does not become the latest.
        if not self.reviews:
            return None
        return max(self.reviews, key=lambda review: (review.occurred_on, review.version)).level

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    def withdraw(self, on: date, reason: str) -> None:
        self.withdrawn_on, self.withdrawal_reason = on, reason


@dataclass
class Delivery:
    """Units of a service delivered in a period, as logged; a wrong one is reversed."""

    period: str
    units: Decimal
    occurred_on: date
    reversed_on: date | None = None
    reversal_reason: str | None = None

    @property
    def reversed(self) -> bool:
        return self.reversed_on is not None


@dataclass
class AssignedService:
    """A service of a provider's agreement, assigned to the case."""

    agreement_id: UUID
    units_planned: Decimal
    unit: str
    start_date: date
    ended_on: date | None = None
    end_date: date | None = None  # the planned end ("bewilligt bis"), if the approval has one
    deliveries: dict[UUID, Delivery] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.ended_on is None

    @property
    def units_delivered(self) -> Decimal:
        """The units of the deliveries that still count (a reversed one does not)."""
        return sum((delivery.units for delivery in self.deliveries.values()
                    if not delivery.reversed), Decimal(0))

    def record(self, delivery_id: UUID, delivery: Delivery) -> None:
        self.deliveries[delivery_id] = delivery

    def reverse(self, delivery_id: UUID, on: date, reason: str) -> None:
        delivery = self.deliveries[delivery_id]
        delivery.reversed_on, delivery.reversal_reason = on, reason

    def delivery_to_reverse(self, delivery_id: UUID) -> Delivery:
        """The delivery, if it was logged for this service and still counts."""
        delivery = self.deliveries.get(delivery_id)
        if delivery is None:
            raise errors.UnknownDeliveryError(f"Delivery {delivery_id} was not logged here.")
        if delivery.reversed:
            raise errors.DeliveryAlreadyReversedError(
                f"Delivery {delivery_id} was reversed already.")
        return delivery


def standing_goal(goals: Mapping[UUID, Goal], goal_id: UUID) -> Goal:
    """The goal, if it is set on the case and not withdrawn."""
    goal = goals.get(goal_id)
    if goal is None:
        raise errors.UnknownGoalError(f"Goal {goal_id} is not set on this case.")
    if goal.withdrawn:
        raise errors.GoalWithdrawnError(f"Goal {goal_id} was withdrawn.")
    return goal


def assigned_service(services: Mapping[UUID, AssignedService],
                     service_id: UUID) -> AssignedService:
    """The service, if it is assigned to the case."""
    service = services.get(service_id)
    if service is None:
        raise errors.ServiceNotAssignedError(f"Service {service_id} is not assigned.")
    return service


def derived_delivery_id(case_id: UUID, version: int) -> UUID:
    """The id of a delivery recorded before deliveries had ids, from where it stands.

    A case's id and the version of its DeliveryRecorded event never change, so
    the id is the same at every replay and in every service that derives it.
    """
    return uuid5(case_id, f"delivery/{version}")


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
