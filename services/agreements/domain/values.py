"""Value objects of agreements and reports, and how they travel inside events.

Events hold only JSON-transcodable values, so each value turns into a plain
dict (`to_event`) and back (`from_event`); decimals travel as strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.agreements.domain.errors import (
    DuplicateImpactGoalError,
    InvalidPeriodError,
    InvalidTermError,
    NegativeAmountError,
)
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit, ReportingFrequency


class AgreementStatus(StrEnum):
    """Where a service agreement stands on a given day."""

    DRAFT = "draft"
    SIGNED = "signed"  # signed, but its term has not begun yet
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class ReportStatus(StrEnum):
    """Where a provider report stands in its review."""

    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def decimal_text(value: Decimal) -> str:
    """A decimal as plain digits, never in exponent notation."""
    return format(value, "f")


@dataclass(frozen=True)
class ImpactGoal:
    """A Wirkungsziel: an indicator of the metrics catalog compared with a target."""

    text: str
    indicator_id: str
    comparison: Comparison
    target_value: Decimal

    def to_event(self) -> dict[str, str]:
        return {"text": self.text, "indicator_id": self.indicator_id,
                "comparison": self.comparison.value,
                "target_value": decimal_text(self.target_value)}

    @classmethod
    def from_event(cls, data: Mapping[str, str]) -> ImpactGoal:
        return cls(text=data["text"], indicator_id=data["indicator_id"],
                   comparison=Comparison(data["comparison"]),
                   target_value=Decimal(data["target_value"]))


@dataclass(frozen=True)
class ReportingObligation:
    """How often the provider reports, and how many days after a period's end."""

    due_days: int
    frequency: ReportingFrequency = ReportingFrequency.QUARTERLY

    def to_event(self) -> dict[str, Any]:
        return {"frequency": self.frequency.value, "due_days": self.due_days}

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> ReportingObligation:
        return cls(due_days=data["due_days"], frequency=ReportingFrequency(data["frequency"]))


@dataclass(frozen=True)
class AgreementTerms:
    """What a service agreement (Leistungsvereinbarung) says."""

    title: str
    budget_product_code: str
    field_of_action: FieldOfAction
    target_groups: tuple[str, ...]
    districts: tuple[str, ...]
    term_start: date
    term_end: date
    annual_budget_cents: int
    pricing_unit: PricingUnit
    unit_price_cents: int
    capacity: int
    impact_goals: tuple[ImpactGoal, ...]
    reporting_obligation: ReportingObligation

    def to_event(self) -> dict[str, Any]:
        return {
            "title": self.title, "budget_product_code": self.budget_product_code,
            "field_of_action": self.field_of_action.value,
            "target_groups": list(self.target_groups), "districts": list(self.districts),
            "term_start": self.term_start, "term_end": self.term_end,
            "annual_budget_cents": self.annual_budget_cents,
            "pricing_unit": self.pricing_unit.value, "unit_price_cents": self.unit_price_cents,
            "capacity": self.capacity,
            "impact_goals": [goal.to_event() for goal in self.impact_goals],
            "reporting_obligation": self.reporting_obligation.to_event(),
        }

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> AgreementTerms:
        return cls(
            title=data["title"], budget_product_code=data["budget_product_code"],
            field_of_action=FieldOfAction(data["field_of_action"]),
            target_groups=tuple(data["target_groups"]), districts=tuple(data["districts"]),
            term_start=data["term_start"], term_end=data["term_end"],
            annual_budget_cents=data["annual_budget_cents"],
            pricing_unit=PricingUnit(data["pricing_unit"]),
            unit_price_cents=data["unit_price_cents"], capacity=data["capacity"],
            impact_goals=tuple(ImpactGoal.from_event(goal) for goal in data["impact_goals"]),
            reporting_obligation=ReportingObligation.from_event(data["reporting_obligation"]),
        )

    def check(self) -> None:
        """Refuse terms that contradict themselves."""
        if self.term_end <= self.term_start:
            raise InvalidTermError
        amounts = (self.annual_budget_cents, self.unit_price_cents, self.capacity,
                   self.reporting_obligation.due_days)
        if min(amounts) < 0:
            raise NegativeAmountError
        indicators = [goal.indicator_id for goal in self.impact_goals]
        if len(set(indicators)) != len(indicators):
            raise DuplicateImpactGoalError

    def changes_to(self, other: AgreementTerms) -> dict[str, Any]:
        """The event form of only those terms that differ in `other`."""
        mine, theirs = self.to_event(), other.to_event()
        return {name: value for name, value in theirs.items() if mine[name] != value}

    def with_changes(self, changes: Mapping[str, Any]) -> AgreementTerms:
        return AgreementTerms.from_event({**self.to_event(), **changes})


@dataclass(frozen=True)
class GoalOutcome:
    """For one impact goal: of the cases measured, how many achieved it."""

    indicator_id: str
    achieved: int
    measured: int

    def to_event(self) -> dict[str, Any]:
        return {"indicator_id": self.indicator_id, "achieved": self.achieved,
                "measured": self.measured}

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> GoalOutcome:
        return cls(indicator_id=data["indicator_id"], achieved=data["achieved"],
                   measured=data["measured"])


@dataclass(frozen=True)
class ReportFigures:
    """What a Leistungs- und Sachbericht states for one period."""

    participants: int
    units_delivered: Decimal
    expenditure_cents: int
    outcomes: tuple[GoalOutcome, ...]
    narrative: str

    def to_event(self) -> dict[str, Any]:
        return {"participants": self.participants,
                "units_delivered": decimal_text(self.units_delivered),
                "expenditure_cents": self.expenditure_cents,
                "outcomes": [outcome.to_event() for outcome in self.outcomes],
                "narrative": self.narrative}

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> ReportFigures:
        return cls(participants=data["participants"],
                   units_delivered=Decimal(data["units_delivered"]),
                   expenditure_cents=data["expenditure_cents"],
                   outcomes=tuple(GoalOutcome.from_event(item) for item in data["outcomes"]),
                   narrative=data["narrative"])


@dataclass(frozen=True)
class Period:
    """A reporting period, such as "2026-Q1", and the day its report is due."""

    label: str
    start: date
    end: date
    due_on: date


_MONTHS_PER_PERIOD = {
    ReportingFrequency.MONTHLY: 1, ReportingFrequency.QUARTERLY: 3,
    ReportingFrequency.HALF_YEARLY: 6, ReportingFrequency.YEARLY: 12,
}
_LABELS = {
    ReportingFrequency.MONTHLY: re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
    ReportingFrequency.QUARTERLY: re.compile(r"(\d{4})-Q([1-4])"),
    ReportingFrequency.HALF_YEARLY: re.compile(r"(\d{4})-H([12])"),
    ReportingFrequency.YEARLY: re.compile(r"(\d{4})()"),
}


def reporting_period(label: str, obligation: ReportingObligation) -> Period:
    """The period a label names ("2026-03", "2026-Q1", "2026-H1", "2026"), with its due date."""
    match = _LABELS[obligation.frequency].fullmatch(label)
    if match is None:
        raise InvalidPeriodError(
            f"{label!r} does not name a {obligation.frequency.value} reporting period."
        )
    year, number = int(match[1]), int(match[2] or 1)
    months = _MONTHS_PER_PERIOD[obligation.frequency]
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    next_start = date(year + 1, 1, 1) if first_month + months > 12 else date(
        year, first_month + months, 1)
    end = next_start - timedelta(days=1)
    return Period(label=label, start=start, end=end,
                  due_on=end + timedelta(days=obligation.due_days))


def period_label(day: date, frequency: ReportingFrequency) -> str:
    """The label of the reporting period that contains `day`."""
    if frequency is ReportingFrequency.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if frequency is ReportingFrequency.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if frequency is ReportingFrequency.HALF_YEARLY:
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return str(day.year)


def periods_between(first: date, last: date, obligation: ReportingObligation) -> list[Period]:
    """Every reporting period that overlaps the days from `first` to `last`."""
    periods: list[Period] = []
    day = first
    while day <= last:
        period = reporting_period(period_label(day, obligation.frequency), obligation)
        periods.append(period)
        day = period.end + timedelta(days=1)
    return periods
