"""Response bodies of the agreements API, with examples for OpenAPI."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass

from services.agreements.api.models import (
    AGREEMENT_ID,
    FIGURES,
    PROVIDER_ID,
    TERMS,
    out_examples,
)
from services.agreements.application import (
    AgreementDetails,
    Page,
    ProviderDetails,
    ReportBasics,
    ReportListEntry,
    ReportOverview,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

PROVIDER = {"id": PROVIDER_ID, "version": 1, "name": "Jugendhilfe Nord e.V.",
            "legal_form": "e.V.", "fields_of_action": ["jugend"],
            "contact": "info@jugendhilfe-nord.example", "active": True,
            "registered_on": "2026-01-05", "deactivated_on": None}
AGREEMENT = {"id": AGREEMENT_ID, "version": 2, "provider_id": PROVIDER_ID, "status": "active",
             "terms": TERMS, "signed_by": "cm-1", "signed_on": "2025-12-15",
             "suspensions": [], "termination_date": None, "runs_until": "2026-12-31"}
PROVIDER_SUMMARY = {"provider_id": PROVIDER_ID, "version": 1, "name": "Jugendhilfe Nord e.V.",
                    "legal_form": "e.V.", "fields_of_action": ["jugend"], "active": True,
                    "registered_on": "2026-01-05"}
SUMMARY = {"agreement_id": AGREEMENT_ID, "provider_id": PROVIDER_ID, "version": 2,
           "status": "active", "title": TERMS["title"], "budget_product_code": "3.6.3.01",
           "field_of_action": "jugend", "target_groups": ["Familien"],
           "districts": ["Nordstadt"], "term_start": "2026-01-01", "term_end": "2026-12-31",
           "annual_budget_cents": 24000000, "pricing_unit": "hour", "unit_price_cents": 6500,
           "capacity": 12, "reporting_frequency": "quarterly", "reporting_due_days": 30,
           "signed_on": "2025-12-15", "suspended": False, "termination_date": None}
REVISION = {"number": 1, "figures": FIGURES, "submitted_by": "provider-1",
            "submitted_on": "2026-04-20"}
REPORT = {"id": "0b1c2d3e-4f50-5a6b-8c7d-9e0f1a2b3c4d", "version": 1,
          "agreement_id": AGREEMENT_ID, "provider_id": PROVIDER_ID, "period": "2026-Q1",
          "period_start": "2026-01-01", "period_end": "2026-03-31", "due_on": "2026-04-30",
          "status": "submitted", "late": False, "rejection_reason": "", "current": REVISION,
          "superseded": []}


class Answer:
    """An application's result answered as it is: the answer is a pydantic dataclass that
    takes the result's fields, adding only the examples and the nested answers."""

    @classmethod
    def from_view(cls, view: DataclassInstance) -> Self:
        return cls(**asdict(view))


@dataclass(frozen=True, config=out_examples(PROVIDER))
class ProviderOut(Answer, ProviderDetails):
    """A provider (Freier Träger)."""


class ProviderSummaryOut(BaseModel):
    """A provider as the list shows it."""

    provider_id: UUID
    version: int
    name: str
    legal_form: str
    fields_of_action: list[str]
    active: bool
    registered_on: date


class PageOut(BaseModel):
    """One page of a list: how many items there are in all, and where the page starts."""

    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, page: Page[dict[str, Any]]) -> Self:
        return cls.model_validate({"items": page.items, "total": page.total,
                                   "limit": page.limit, "offset": page.offset})


class ProviderPage(PageOut):
    """One page of providers."""

    model_config = out_examples({"items": [PROVIDER_SUMMARY], "total": 1, "limit": 50,
                                 "offset": 0})
    items: list[ProviderSummaryOut]


class ImpactGoalOut(BaseModel):
    """An impact goal (Wirkungsziel): an indicator of the catalog against a target."""

    text: str
    indicator_id: str
    comparison: str = Field(examples=[">="])
    target_value: str = Field(description="A decimal, as text.", examples=["0.7"])


class ReportingObligationOut(BaseModel):
    """How often the provider reports, and how many days after a period's end."""

    frequency: str = Field(examples=["quarterly"])
    due_days: int


class TermBasics(BaseModel):
    """What an agreement's terms say, as both the agreement and the list show them."""

    title: str
    budget_product_code: str
    field_of_action: str
    target_groups: list[str]
    districts: list[str]
    term_start: date
    term_end: date
    pricing_unit: str
    unit_price_cents: int
    capacity: int


class TermsOut(TermBasics):
    """What an agreement says, as it stands (with every amendment in force)."""

    annual_budget_cents: int
    impact_goals: list[ImpactGoalOut]
    reporting_obligation: ReportingObligationOut


class SuspensionOut(BaseModel):
    """A suspension: since when, until when (null: still suspended)."""

    since: date
    until: date | None


class GoalOutcomeOut(BaseModel):
    """For one impact goal: of the cases measured, how many achieved it."""

    indicator_id: str
    achieved: int
    measured: int


class ReportFiguresOut(BaseModel):
    """What a report states for its period."""

    participants: int
    units_delivered: str = Field(description="A decimal, as text.", examples=["310.5"])
    expenditure_cents: int
    outcomes: list[GoalOutcomeOut]
    narrative: str


class RevisionOut(BaseModel):
    """One submission of a report: its figures, by whom and when."""

    number: int
    figures: ReportFiguresOut
    submitted_by: str
    submitted_on: date


class AgreementOut(BaseModel):
    """A service agreement (Leistungsvereinbarung) as it stands."""

    model_config = out_examples(AGREEMENT)
    id: UUID
    version: int
    provider_id: UUID
    status: str
    terms: TermsOut
    signed_by: str | None
    signed_on: date | None
    suspensions: list[SuspensionOut]
    termination_date: date | None
    runs_until: date

    @classmethod
    def of(cls, view: AgreementDetails) -> AgreementOut:
        return cls.model_validate(view, from_attributes=True)


class AgreementSummaryOut(TermBasics):
    """An agreement as the list shows it, with its status as of today."""

    agreement_id: UUID
    provider_id: UUID
    version: int
    status: str
    annual_budget_cents: int | None
    reporting_frequency: str
    reporting_due_days: int
    signed_on: date | None
    suspended: bool
    termination_date: date | None


class AgreementPage(PageOut):
    """One page of agreements."""

    model_config = out_examples({"items": [SUMMARY], "total": 1, "limit": 50, "offset": 0})
    items: list[AgreementSummaryOut]


@dataclass(frozen=True, config=out_examples(REPORT))
class ReportOut(Answer, ReportBasics):
    """A provider report with its current and superseded figures."""

    current: RevisionOut
    superseded: list[RevisionOut]


@dataclass(frozen=True, config=out_examples({
    "period": "2026-Q1", "due_on": "2026-04-30", "status": "overdue", "late": None,
    "revision": None, "report_id": None, "days_late": 12}))
class ReportEntryOut(Answer, ReportListEntry):
    """A period of an agreement and where its report stands."""


OVERVIEW_ENTRY = {"agreement_id": AGREEMENT_ID, "title": TERMS["title"],
                  "provider_id": PROVIDER_ID, "provider_name": "Jugendhilfe Nord e.V.",
                  "field_of_action": "jugend", "period": "2026-Q1",
                  "period_start": "2026-01-01", "period_end": "2026-03-31",
                  "due_on": "2026-04-30", "status": "rejected", "days_late": 2, "late": True,
                  "revision": 1, "report_id": REPORT["id"], "version": 2,
                  "submitted_on": "2026-05-02", "rejection_reason": "Belege fehlen"}


class ReportOverviewEntry(BaseModel):
    """A period of an agreement, whose it is, and where its report stands."""

    agreement_id: UUID
    title: str
    provider_id: UUID
    provider_name: str
    field_of_action: str
    period: str
    period_start: date
    period_end: date
    due_on: date
    status: str
    days_late: int
    late: bool | None
    revision: int | None
    report_id: UUID | None
    version: int | None
    submitted_on: date | None
    rejection_reason: str


class ReportOverviewOut(BaseModel):
    """One page of report entries, the most urgent first, and the count of each state."""

    model_config = out_examples({"items": [OVERVIEW_ENTRY], "total": 1, "limit": 50,
                                 "offset": 0, "counts": {"rejected": 1, "accepted": 3}})
    items: list[ReportOverviewEntry]
    total: int
    limit: int
    offset: int
    counts: dict[str, int]

    @classmethod
    def of(cls, overview: ReportOverview) -> ReportOverviewOut:
        return cls.model_validate(overview, from_attributes=True)
