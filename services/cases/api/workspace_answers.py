"""What the workspace routes answer: the work list, the counts, the assignable agreements."""

from __future__ import annotations

from datetime import date
from typing import Self
from uuid import UUID

from pydantic import Field

from services.cases.api.answers import Out
from services.cases.application import AssignableAgreement, WorkKind, WorkList
from services.cases.application.workspace_dtos import AgreementOccupancy
from shared.vocabulary import FieldOfAction, PricingUnit


class WorkItemOut(Out):
    """Due work on an open case (Frist): a review, a missing assessment or an ending service."""

    kind: WorkKind = Field(examples=["review"])
    case_id: UUID
    client_pseudonym: str = Field(examples=["p-3f2a9c61d0e4b7a8"])
    district: str = Field(examples=["Nordstadt"])
    field_of_action: FieldOfAction
    due_on: date = Field(description="review: last review (or the goal's setting) plus the "
                         "review interval; assessment: opening plus the days allowed; "
                         "service_ending: the last day the service runs.")
    days_overdue: int = Field(description="Days since due_on; negative: days left.",
                              examples=[12, -5])
    goal_id: UUID | None = Field(default=None, description="Only for a review.")
    service_id: UUID | None = Field(default=None, description="Only for an ending service.")
    agreement_id: UUID | None = Field(default=None, description="Only for an ending service.")


class WorkListOut(Out):
    """A team's due work, most urgent first, and the deadlines it was drawn up by."""

    items: list[WorkItemOut]
    review_interval_days: int = Field(examples=[182])
    assessment_within_days: int = Field(examples=[14])
    ending_within_days: int = Field(examples=[30])

    @classmethod
    def of_list(cls, work: WorkList) -> Self:
        return cls(items=[WorkItemOut.of(item) for item in work.items],
                   review_interval_days=work.deadlines.review_interval_days,
                   assessment_within_days=work.deadlines.assessment_within_days,
                   ending_within_days=work.deadlines.ending_within_days)


class CaseCountsOut(Out):
    """Counts of the team's open cases; each figure counts cases, not pieces of work."""

    open: int = Field(description="Open cases.")
    without_assessment: int = Field(description="Open cases not assessed yet, however "
                                    "recently opened.")
    assessments_due: int = Field(description="Open cases whose assessment is overdue (as "
                                 "`GET /cases?due=assessment` lists them).")
    reviews_due: int = Field(description="Open cases with a goal review due (as "
                             "`GET /cases?due=review` lists them).")
    services_ending: int = Field(description="Open cases with a running service ending "
                                 "soon or overdue (as `GET /cases?due=service_ending`).")


class AssignableAgreementOut(Out):
    """An agreement a service of the case can be assigned under today."""

    agreement_id: UUID
    title: str | None = Field(default=None, description="Left out only while the replica "
                              "has not yet heard it (a replica from before it kept titles).")
    provider_id: UUID
    provider_name: str | None = Field(default=None, description="Left out while the "
                                      "provider's registration has not reached the replica.")
    field_of_action: FieldOfAction
    districts: list[str]
    pricing_unit: PricingUnit
    unit_price_cents: int | None = Field(default=None, examples=[6500])
    capacity: int
    places_left: int = Field(description="Capacity minus the running services under it.")
    term_end: date


class AssignableAgreementsOut(Out):
    """Agreements open to a case, most places left first."""

    items: list[AssignableAgreementOut]

    @classmethod
    def of_list(cls, agreements: list[AssignableAgreement]) -> Self:
        return cls(items=[AssignableAgreementOut.of(agreement) for agreement in agreements])


class AgreementOccupancyOut(Out):
    """How many of an agreement's places running services take today."""

    agreement_id: UUID
    provider_id: UUID
    capacity: int = Field(description="Places, as amended.", examples=[12])
    places_taken: int = Field(description="Running services under the agreement.",
                              examples=[9])
    places_free: int = Field(description="Capacity minus the places taken, never below 0.",
                             examples=[3])


class OccupancyOut(Out):
    """The occupancy of the agreements asked for that the caller may see."""

    items: list[AgreementOccupancyOut]

    @classmethod
    def of_list(cls, occupancy: list[AgreementOccupancy]) -> Self:
        return cls(items=[AgreementOccupancyOut.of(item) for item in occupancy])
