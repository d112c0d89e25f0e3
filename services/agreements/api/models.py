"""Request and response bodies of the agreements API, with examples for OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.indicators import IndicatorId
from shared.numbers import Day, Integer, SignedDecimal, Whole
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit, ReportingFrequency

Cents = Annotated[Integer, Field(ge=0, description="An amount of money in cents.")]
DecimalText = Annotated[SignedDecimal, Field(
    description="A decimal number, best sent as a string.", examples=["310.5"])]
# A year, half-year, quarter or month; which of them fits depends on the agreement.
PERIOD = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$"
OccurredOn = Annotated[Day | None, Field(
    description="Date it happened (not when it was recorded); today if left out.")]


def examples(*values: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


def out_examples(*values: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(values)})


IMPACT_GOAL = {"text": "Mindestens 60 % der Fälle erreichen ihre Hilfeplanziele",
               "indicator_id": "goal_attainment_rate", "comparison": ">=",
               "target_value": "0.6"}
TERMS = {
    "title": "Ambulante Hilfen zur Erziehung Nordstadt", "budget_product_code": "3.6.3.01",
    "field_of_action": "jugend", "target_groups": ["Familien"], "districts": ["Nordstadt"],
    "term_start": "2026-01-01", "term_end": "2026-12-31", "annual_budget_cents": 24000000,
    "pricing_unit": "hour", "unit_price_cents": 6500, "capacity": 12,
    "impact_goals": [IMPACT_GOAL],
    "reporting_obligation": {"frequency": "quarterly", "due_days": 30},
}
PROVIDER_ID = "7f1c2e0a-3b4d-4c5e-8f60-718293a4b5c6"
AGREEMENT_ID = "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
FIGURES = {"participants": 42, "units_delivered": "310.5", "expenditure_cents": 5800000,
           "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 25,
                         "measured": 38}],
           "narrative": "Gute Resonanz im Quartal, zwei Fachkräfte neu."}


class When(BaseModel):
    """A step that needs nothing but the date it happened."""

    model_config = examples({"occurred_on": "2026-02-01"})
    occurred_on: OccurredOn = None


class ProviderRegistration(BaseModel):
    """Register a provider (Freier Träger)."""

    model_config = examples({"name": "Jugendhilfe Nord e.V.", "legal_form": "e.V.",
                             "fields_of_action": ["jugend"],
                             "contact": "info@jugendhilfe-nord.example"})
    name: str = Field(min_length=1, max_length=200)
    legal_form: str = Field(min_length=1, max_length=50)
    fields_of_action: list[FieldOfAction] = Field(min_length=1)
    contact: str = Field(default="", max_length=200)
    occurred_on: OccurredOn = None


class ProviderUpdate(BaseModel):
    """Change a provider's details; only what is given changes."""

    model_config = examples({"contact": "kontakt@jugendhilfe-nord.example"})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    legal_form: str | None = Field(default=None, min_length=1, max_length=50)
    fields_of_action: list[FieldOfAction] | None = Field(default=None, min_length=1)
    contact: str | None = Field(default=None, max_length=200)
    occurred_on: OccurredOn = None


class ImpactGoalIn(BaseModel):
    """A Wirkungsziel: an indicator of the catalog compared with a target value."""

    model_config = examples(IMPACT_GOAL)
    text: str = Field(min_length=1, max_length=500)
    indicator_id: IndicatorId
    comparison: Comparison
    target_value: DecimalText


class ReportingObligationIn(BaseModel):
    model_config = examples({"frequency": "quarterly", "due_days": 30})
    frequency: ReportingFrequency = ReportingFrequency.QUARTERLY
    due_days: Whole = Field(default=30, ge=0, le=365)


class AgreementTermsIn(BaseModel):
    """What a service agreement (Leistungsvereinbarung) says."""

    model_config = examples(TERMS)
    title: str = Field(min_length=1, max_length=300)
    budget_product_code: str = Field(min_length=1, max_length=50)
    field_of_action: FieldOfAction
    target_groups: list[str] = Field(default_factory=list, max_length=20)
    districts: list[str] = Field(default_factory=list, max_length=50)
    term_start: Day
    term_end: Day
    annual_budget_cents: Cents
    pricing_unit: PricingUnit
    unit_price_cents: Cents
    capacity: Whole = Field(ge=0)
    impact_goals: list[ImpactGoalIn] = Field(default_factory=list, max_length=20)
    reporting_obligation: ReportingObligationIn = Field(default_factory=ReportingObligationIn)


class AgreementDraft(AgreementTermsIn):
    """Draft a service agreement with a provider."""

    model_config = examples({"provider_id": PROVIDER_ID, **TERMS})
    provider_id: UUID
    occurred_on: OccurredOn = None


class AgreementEdit(AgreementTermsIn):
    """Replace the terms of a draft."""

    model_config = examples(TERMS)
    occurred_on: OccurredOn = None


class Amendment(BaseModel):
    """Amend a signed agreement from an effective date on; only what is given changes."""

    model_config = examples({"effective_date": "2026-07-01",
                             "reason": "Bedarf im Sozialraum gestiegen", "capacity": 16})
    effective_date: Day
    reason: str = Field(min_length=1, max_length=1000)
    annual_budget_cents: Cents | None = None
    unit_price_cents: Cents | None = None
    capacity: Whole | None = Field(default=None, ge=0)
    impact_goals: list[ImpactGoalIn] | None = None
    term_end: Day | None = None
    occurred_on: OccurredOn = None


class Suspension(BaseModel):
    model_config = examples({"reason": "Trägerprüfung läuft"})
    reason: str = Field(min_length=1, max_length=1000)
    occurred_on: OccurredOn = None


class Termination(BaseModel):
    model_config = examples({"termination_date": "2026-09-30",
                             "reason": "Träger gibt das Angebot auf"})
    termination_date: Day
    reason: str = Field(min_length=1, max_length=1000)
    occurred_on: OccurredOn = None


class GoalOutcomeIn(BaseModel):
    model_config = examples({"indicator_id": "goal_attainment_rate", "achieved": 25,
                             "measured": 38})
    indicator_id: IndicatorId
    achieved: Whole
    measured: Whole


class ReportFiguresIn(BaseModel):
    """The figures of a Leistungs- und Sachbericht."""

    model_config = examples(FIGURES)
    participants: Whole
    units_delivered: DecimalText
    expenditure_cents: Whole
    outcomes: list[GoalOutcomeIn] = Field(default_factory=list, max_length=20)
    narrative: str = Field(default="", max_length=10000)
    occurred_on: OccurredOn = None


class ReportSubmission(ReportFiguresIn):
    """Submit the report of one period."""

    model_config = examples({"period": "2026-Q1", **FIGURES})
    period: str = Field(pattern=PERIOD, examples=["2026-Q1"])


class Rejection(BaseModel):
    model_config = examples({"reason": "Ausgaben ohne Belege"})
    reason: str = Field(min_length=1, max_length=1000)
    occurred_on: OccurredOn = None
