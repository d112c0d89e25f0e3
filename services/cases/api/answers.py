"""What the cases API answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.vocabulary import AgeBand, FieldOfAction

# Each free text a caseworker wrote about the person: stored sealed with the client's key.
ERASED = "; `[gelöscht]` once the client's personal data is erased"


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, value: Any) -> Self:
        return cls.model_validate(value, from_attributes=True)


class PersonalDataOut(Out):
    """What identifies the person: only for caseworkers who may read it."""

    name: str
    birth_date: date
    address: str


class ClientOut(Out):
    """A client."""

    id: UUID
    version: int
    pseudonym: str = Field(examples=["p-3f2a9c61d0e4b7a8"])
    team: str
    gender_category: str | None
    registered_on: date
    personal_data_erased: bool
    personal_data: PersonalDataOut | None = Field(
        default=None, description="Absent for auditors and in the answer to a registration.")


class ReviewOut(Out):
    """One review of a goal."""

    level: int = Field(examples=[1])
    note: str = Field(description=f"The caseworker's note{ERASED}.")
    occurred_on: date


class DeliveryOut(Out):
    """Units delivered in a period; a reversed delivery no longer counts."""

    delivery_id: UUID = Field(description="Names the delivery for its reversal.")
    period: str = Field(examples=["2026-Q1"])
    units: Decimal
    occurred_on: date
    reversed: bool
    reversed_on: date | None
    reversal_reason: str | None = Field(description=f"Why it was reversed{ERASED}.")


class ScoreOut(Out):
    """The case's GAS T-score after one review."""

    occurred_on: date
    t_score: float = Field(examples=[54.02])


class ClientsOut(Out):
    """Clients found."""

    items: list[ClientOut]


class GoalOut(Out):
    """A help-plan goal and its reviews."""

    id: UUID
    title: str = Field(description=f"The goal as the caseworker wrote it{ERASED}.")
    levels: dict[str, str] = Field(description=f'What each level means, keyed "-2" to "2"'
                                   f"{ERASED}.")
    weight: Decimal
    baseline: int
    latest_level: int | None
    reviewed_levels: list[int]
    reviews: list[ReviewOut] = Field(description="Oldest first, as recorded.")
    set_on: date
    withdrawn: bool = Field(description="Withdrawn as set wrongly: counts no more.")
    withdrawn_on: date | None
    withdrawal_reason: str | None = Field(description=f"Why it was withdrawn{ERASED}.")


class ServiceOut(Out):
    """A service assigned to the case."""

    id: UUID
    agreement_id: UUID
    units_planned: Decimal
    unit: str
    start_date: date
    units_delivered: Decimal
    ended_on: date | None
    running: bool
    end_date: date | None = Field(default=None,
                                  description="Planned last day (bewilligt bis), if any.")
    deliveries: list[DeliveryOut] = Field(description="Oldest first, as recorded.")
    agreement_title: str | None = Field(default=None, description="As the replica knows it.")
    provider_name: str | None = Field(default=None, description="As the replica knows it.")


class CaseOut(Out):
    """A case, with the GAS T-score over the latest review of each goal."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: FieldOfAction
    target_groups: list[str]
    district: str
    team: str
    legal_basis: str
    age_band: AgeBand
    reentry: bool = Field(description="Opened within 12 months after a closure of the client.")
    status: str
    opened_on: date
    assessed_on: date | None
    closed_on: date | None
    closure_reason: str | None
    gas_t_score: float | None = Field(description="None before the first review.",
                                      examples=[54.02])
    share_of_goals_at_or_above_expected: float | None
    goals: list[GoalOut]
    services: list[ServiceOut]
    assessment_summary: str | None = Field(description=f"The latest assessment's text{ERASED}.")
    t_score_history: list[ScoreOut] = Field(description=(
        "The T-score after each review, over each goal's latest level by then, ordered by "
        "the day reviewed (one day's reviews as recorded); withdrawn goals left out."))


class CaseSummaryOut(Out):
    """A case in a list."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: FieldOfAction
    district: str
    team: str
    age_band: AgeBand
    reentry: bool
    status: str
    opened_on: date
    closed_on: date | None
    closure_reason: str | None


class CasePageOut(Out):
    """A page of cases."""

    items: list[CaseSummaryOut]
    total: int
    limit: int
    offset: int


class AccessOut(Out):
    """One entry of the access log."""

    subject: str
    role: str
    object_type: str = Field(examples=["case", "client", "case_list"])
    object_ref: str = Field(description="Case id or client pseudonym.")
    purpose: str
    granted: bool
    at: datetime
    client_pseudonym: str | None = Field(
        default=None, description="Whose data: the client's pseudonym (for a case, its "
                                  "client's); absent where no person's data is concerned.")
