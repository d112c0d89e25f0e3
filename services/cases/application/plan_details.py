"""The parts of a case page beyond the summary: reviews, deliveries, the T-score history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.cases.domain import Case
from services.cases.domain.plan import AssignedService, Goal

# Opens a sealed free text (the caseworker's words, or the marker once the client is erased).
Text = Callable[[str], str]


def optional(text: Text, value: str | None) -> str | None:
    return None if value is None else text(value)


@dataclass(frozen=True)
class ReviewDetails:
    """One review of a goal."""

    level: int
    note: str
    occurred_on: date


@dataclass(frozen=True)
class DeliveryDetails:
    """Units of a service delivered in a period; a reversed one no longer counts."""

    delivery_id: UUID
    period: str
    units: Decimal
    occurred_on: date
    reversed: bool
    reversed_on: date | None
    reversal_reason: str | None


@dataclass(frozen=True)
class ScoreDetails:
    """The case's GAS T-score after one review."""

    occurred_on: date
    t_score: float


def reviews_of(goal: Goal, text: Text) -> list[ReviewDetails]:
    return [ReviewDetails(level=review.level, note=text(review.note),
                          occurred_on=review.occurred_on)
            for review in goal.reviews]


def deliveries_of(service: AssignedService, text: Text) -> list[DeliveryDetails]:
    return [DeliveryDetails(delivery_id=delivery_id, period=delivery.period,
                            units=delivery.units, occurred_on=delivery.occurred_on,
                            reversed=delivery.reversed, reversed_on=delivery.reversed_on,
                            reversal_reason=optional(text, delivery.reversal_reason))
            for delivery_id, delivery in service.deliveries.items()]


def t_score_history_of(case: Case) -> list[ScoreDetails]:
    return [ScoreDetails(occurred_on=point.occurred_on, t_score=point.t_score)
            for point in case.t_score_history()]
