"""What the caseworker's workspace reads hand out: the work list, counts, assignable agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.cases.domain import AgreementOnRecord


@dataclass(frozen=True)
class Deadlines:
    """How long each kind of work may wait before it is on the work list (Fristen)."""

    review_interval_days: int = 182
    assessment_within_days: int = 14
    ending_within_days: int = 30


class WorkKind(StrEnum):
    """Why a case is on the work list."""

    REVIEW = "review"
    ASSESSMENT = "assessment"
    SERVICE_ENDING = "service_ending"


class CaseOrder(StrEnum):
    """How a list of cases is sorted; a leading minus sorts newest first."""

    OPENED_ON = "opened_on"
    NEWEST_FIRST = "-opened_on"
    DISTRICT = "district"
    FIELD_OF_ACTION = "field_of_action"
    STATUS = "status"


@dataclass(frozen=True)
class WorkItem:
    """One piece of due work on an open case; `days_overdue` is negative while days are left."""

    kind: WorkKind
    case_id: UUID
    client_pseudonym: str
    district: str
    field_of_action: str
    due_on: date
    days_overdue: int
    goal_id: UUID | None = None
    service_id: UUID | None = None
    agreement_id: UUID | None = None


@dataclass(frozen=True)
class WorkList:
    """A team's due work, most urgent first, with the deadlines it was drawn up by."""

    items: list[WorkItem]
    deadlines: Deadlines


@dataclass(frozen=True)
class CaseCounts:
    """How many of a team's open cases there are, and how many are on the work list, by kind."""

    open: int
    without_assessment: int
    assessments_due: int
    reviews_due: int
    services_ending: int


@dataclass(frozen=True)
class AgreementOffer:
    """An agreement as the replica holds it, with what a caseworker chooses it by."""

    record: AgreementOnRecord
    title: str | None
    provider_id: UUID
    provider_name: str | None
    districts: list[str]
    unit_price_cents: int | None


@dataclass(frozen=True)
class AgreementPlaces:
    """An agreement's provider and capacity, as the replica holds them."""

    provider_id: UUID
    capacity: int


@dataclass(frozen=True)
class AgreementOccupancy:
    """How many of an agreement's places running services take today, and how many are free."""

    agreement_id: UUID
    provider_id: UUID
    capacity: int
    places_taken: int
    places_free: int


@dataclass(frozen=True)
class AgreementName:
    """What a caseworker recognises an agreement by: its title and its provider's name."""

    title: str | None
    provider_name: str | None


@dataclass(frozen=True)
class AssignableAgreement:
    """An agreement a service of the case can be assigned under today, with its free places."""

    agreement_id: UUID
    title: str | None
    provider_id: UUID
    provider_name: str | None
    field_of_action: str
    districts: list[str]
    pricing_unit: str
    unit_price_cents: int | None
    capacity: int
    places_left: int
    term_end: date
