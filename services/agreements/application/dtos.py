"""Plain results of the application: what the API shows, no domain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar
from uuid import UUID

from services.agreements.domain import (
    Provider,
    ProviderReport,
    ReportRevision,
    ServiceAgreement,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ProviderDetails:
    id: UUID
    version: int
    name: str
    legal_form: str
    fields_of_action: list[str]
    contact: str
    active: bool
    registered_on: date
    deactivated_on: date | None

    @classmethod
    def of(cls, provider: Provider) -> ProviderDetails:
        return cls(id=provider.id, version=provider.version, name=provider.name,
                   legal_form=provider.legal_form, fields_of_action=provider.fields_of_action,
                   contact=provider.contact, active=provider.active,
                   registered_on=provider.registered_on, deactivated_on=provider.deactivated_on)


@dataclass(frozen=True)
class AgreementDetails:
    id: UUID
    version: int
    provider_id: UUID
    status: str
    terms: dict[str, Any]
    signed_by: str | None
    signed_on: date | None
    suspensions: list[dict[str, date | None]]
    termination_date: date | None
    runs_until: date

    @classmethod
    def of(cls, agreement: ServiceAgreement, today: date) -> AgreementDetails:
        return cls(id=agreement.id, version=agreement.version,
                   provider_id=agreement.provider_id,
                   status=agreement.status_on(today).value,
                   terms=agreement.terms.to_event(), signed_by=agreement.signed_by,
                   signed_on=agreement.signed_on,
                   suspensions=[{"since": since, "until": until}
                                for since, until in agreement.suspensions],
                   termination_date=agreement.termination_date,
                   runs_until=agreement.runs_until)


@dataclass(frozen=True)
class RevisionDetails:
    number: int
    figures: dict[str, Any]
    submitted_by: str
    submitted_on: date

    @classmethod
    def of(cls, revision: ReportRevision) -> RevisionDetails:
        return cls(number=revision.number, figures=revision.figures.to_event(),
                   submitted_by=revision.submitted_by, submitted_on=revision.submitted_on)


@dataclass(frozen=True)
class ReportBasics:
    """What a report is about and where it stands: its details but the figures."""

    id: UUID
    version: int
    agreement_id: UUID
    provider_id: UUID
    period: str
    period_start: date
    period_end: date
    due_on: date
    status: str
    late: bool
    rejection_reason: str


@dataclass(frozen=True)
class ReportDetails(ReportBasics):
    current: RevisionDetails
    superseded: list[RevisionDetails] = field(default_factory=list)

    @classmethod
    def of(cls, report: ProviderReport) -> ReportDetails:
        return cls(id=report.id, version=report.version, agreement_id=report.agreement_id,
                   provider_id=report.provider_id, period=report.period,
                   period_start=report.period_start, period_end=report.period_end,
                   due_on=report.due_on, status=report.status.value, late=report.late,
                   rejection_reason=report.rejection_reason,
                   current=RevisionDetails.of(report.revisions[-1]),
                   superseded=[RevisionDetails.of(r) for r in report.superseded])


@dataclass(frozen=True)
class ReportListEntry:
    """A period of an agreement and where its report stands (due, overdue, ...)."""

    period: str
    due_on: date
    status: str
    late: bool | None
    revision: int | None
    report_id: UUID | None
    days_late: int


@dataclass(frozen=True)
class ReportOverview:
    """One page of report entries across agreements, and how many there are per state."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
