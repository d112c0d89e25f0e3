"""Contracts published on the agreements topic.

Money is integer cents, decimals travel as strings. A change (edit, amendment,
update) carries only the values that changed; a missing value is unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import IntegrationEvent
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit, ReportingFrequency

DecimalText = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?$", examples=["0.6"])]
AgreementId = Annotated[UUID, Field(description="Aggregate id of the service agreement.")]
ReportId = Annotated[UUID, Field(description="Aggregate id of the provider report.")]
Title = Annotated[str, Field(description="Title of the agreement.",
                             examples=["Ambulante Hilfen zur Erziehung Nordstadt"])]
BudgetProduct = Annotated[str, Field(description="Budget product (Produkthaushalt).",
                                     examples=["3.6.3.01"])]
FieldOfActionTerm = Annotated[FieldOfAction, Field(description="Field of action.",
                                                   examples=["jugend"])]
TargetGroups = Annotated[list[str], Field(description="Target groups served.",
                                          examples=[["junge Erwachsene"]])]
Districts = Annotated[list[str], Field(description="Districts (Sozialräume) served.",
                                       examples=[["Nordstadt"]])]
TermStart = Annotated[date, Field(description="First day of the term.", examples=["2026-01-01"])]
TermEnd = Annotated[date, Field(description="Last day of the term.", examples=["2026-12-31"])]
AnnualBudget = Annotated[int, Field(ge=0, description="Annual budget in cents.",
                                    examples=[24000000])]
Unit = Annotated[PricingUnit, Field(description="What one unit price pays for.",
                                    examples=["hour"])]
UnitPrice = Annotated[int, Field(ge=0, description="Price of one unit in cents.",
                                 examples=[6500])]
Capacity = Annotated[int, Field(ge=0, description="Places or cases the provider holds ready.",
                                examples=[12])]
Frequency = Annotated[ReportingFrequency, Field(description="How often the provider reports.",
                                                examples=["quarterly"])]
DueDays = Annotated[int, Field(ge=0, description="Days after a period's end the report is due.",
                               examples=[30])]
Reason = Annotated[str, Field(description="Why, in the contract manager's words.",
                              examples=["Bedarf im Sozialraum gestiegen"])]
Revision = Annotated[int, Field(ge=1, description="Revision of the report's figures.",
                                examples=[2])]
Participants = Annotated[int, Field(ge=0, description="Persons who took part in the period.",
                                    examples=[42])]
UnitsDelivered = Annotated[DecimalText, Field(description="Units delivered in the period.",
                                              examples=["310.5"])]
Expenditure = Annotated[int, Field(ge=0, description="Expenditure in the period in cents.",
                                   examples=[5800000])]


class ContractPart(BaseModel):
    """A value nested in a contract; unknown fields are rejected like the contract's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ImpactGoalTerm(ContractPart):
    """An impact goal (Wirkungsziel): an indicator compared with a target value."""

    text: str = Field(examples=["Zwei Drittel der Hilfen enden planmäßig"])
    indicator_id: str = Field(description="Indicator of the metrics catalog.",
                              examples=["planned_closure_rate"])
    comparison: Comparison = Field(examples=[">="])
    target_value: DecimalText


ImpactGoals = Annotated[list[ImpactGoalTerm], Field(description="The agreed impact goals.")]


class GoalOutcomeCounts(ContractPart):
    """For one impact goal: how many of the cases measured achieved it."""

    indicator_id: str = Field(examples=["planned_closure_rate"])
    achieved: int = Field(ge=0, examples=[18])
    measured: int = Field(ge=0, examples=[27])


Outcomes = Annotated[list[GoalOutcomeCounts], Field(description="Outcome per impact goal.")]


class ProviderRegistered(IntegrationEvent):
    """A provider (Freier Träger) was registered by a contract manager."""

    service = "agreements"

    provider_id: UUID = Field(description="Aggregate id of the provider.")
    name: str = Field(description="Registered name.", examples=["Jugendhilfe Nord e.V."])
    legal_form: str = Field(description="Legal form.", examples=["e.V."])
    fields_of_action: list[FieldOfAction] = Field(
        description="Fields of action the provider works in.", examples=[["jugend"]]
    )


class ProviderUpdated(IntegrationEvent):
    """A provider's details changed; the contact stays inside the service, as on registration."""

    service = "agreements"

    provider_id: UUID = Field(description="Aggregate id of the provider.")
    name: str | None = Field(default=None, description="New name.",
                             examples=["Jugendhilfe Nord gGmbH"])
    legal_form: str | None = Field(default=None, description="New legal form.",
                                   examples=["gGmbH"])
    fields_of_action: list[FieldOfAction] | None = Field(
        default=None, description="New fields of action.", examples=[["jugend", "bildung"]]
    )


class ProviderDeactivated(IntegrationEvent):
    """A provider was deactivated: it gets no new agreements."""

    service = "agreements"

    provider_id: UUID = Field(description="Aggregate id of the provider.")


class ServiceAgreementDrafted(IntegrationEvent):
    """A service agreement (Leistungsvereinbarung) was drafted with a provider."""

    service = "agreements"

    agreement_id: AgreementId
    provider_id: UUID = Field(description="Aggregate id of the provider.")
    title: Title
    budget_product_code: BudgetProduct
    field_of_action: FieldOfActionTerm
    target_groups: TargetGroups
    districts: Districts
    term_start: TermStart
    term_end: TermEnd
    annual_budget_cents: AnnualBudget
    pricing_unit: Unit
    unit_price_cents: UnitPrice
    capacity: Capacity
    impact_goals: ImpactGoals
    reporting_frequency: Frequency
    reporting_due_days: DueDays


class ServiceAgreementEdited(IntegrationEvent):
    """A draft agreement's terms changed before signing."""

    service = "agreements"

    agreement_id: AgreementId
    title: Title | None = None
    budget_product_code: BudgetProduct | None = None
    field_of_action: FieldOfActionTerm | None = None
    target_groups: TargetGroups | None = None
    districts: Districts | None = None
    term_start: TermStart | None = None
    term_end: TermEnd | None = None
    annual_budget_cents: AnnualBudget | None = None
    pricing_unit: Unit | None = None
    unit_price_cents: UnitPrice | None = None
    capacity: Capacity | None = None
    impact_goals: ImpactGoals | None = None
    reporting_frequency: Frequency | None = None
    reporting_due_days: DueDays | None = None


class ServiceAgreementSigned(IntegrationEvent):
    """An agreement was signed (by `actor`, on `occurred_on`); it is active from its start."""

    service = "agreements"

    agreement_id: AgreementId


class ServiceAgreementAmended(IntegrationEvent):
    """A signed agreement was amended from an effective date on."""

    service = "agreements"

    agreement_id: AgreementId
    effective_date: date = Field(description="Day the amendment takes effect.",
                                 examples=["2026-07-01"])
    reason: Reason
    annual_budget_cents: AnnualBudget | None = None
    unit_price_cents: UnitPrice | None = None
    capacity: Capacity | None = None
    impact_goals: ImpactGoals | None = None
    term_end: TermEnd | None = None


class ServiceAgreementSuspended(IntegrationEvent):
    """An active agreement was suspended from `occurred_on` on."""

    service = "agreements"

    agreement_id: AgreementId
    reason: Reason


class ServiceAgreementResumed(IntegrationEvent):
    """A suspended agreement runs again from `occurred_on` on."""

    service = "agreements"

    agreement_id: AgreementId


class ServiceAgreementTerminated(IntegrationEvent):
    """An agreement was terminated; it no longer runs from the termination date on."""

    service = "agreements"

    agreement_id: AgreementId
    termination_date: date = Field(description="First day the agreement no longer runs.",
                                   examples=["2026-10-01"])
    reason: Reason


class ProviderReportSubmitted(IntegrationEvent):
    """A provider submitted its report for a period; the narrative stays inside the service."""

    service = "agreements"

    report_id: ReportId
    agreement_id: AgreementId
    provider_id: UUID = Field(description="Aggregate id of the provider.")
    period: str = Field(description="Reporting period.", examples=["2026-Q1"])
    period_start: date = Field(examples=["2026-01-01"])
    period_end: date = Field(examples=["2026-03-31"])
    due_on: date = Field(description="Day the report was due.", examples=["2026-04-30"])
    late: bool = Field(description="Submitted after the due date.", examples=[False])
    participants: Participants
    units_delivered: UnitsDelivered
    expenditure_cents: Expenditure
    outcomes: Outcomes


class ProviderReportResubmitted(IntegrationEvent):
    """A provider corrected its report; these figures supersede the earlier revision."""

    service = "agreements"

    report_id: ReportId
    revision: Revision
    participants: Participants
    units_delivered: UnitsDelivered
    expenditure_cents: Expenditure
    outcomes: Outcomes


class ProviderReportAccepted(IntegrationEvent):
    """The contract manager accepted a revision of a report."""

    service = "agreements"

    report_id: ReportId
    revision: Revision


class ProviderReportRejected(IntegrationEvent):
    """The contract manager rejected a revision of a report."""

    service = "agreements"

    report_id: ReportId
    revision: Revision
    reason: Reason
