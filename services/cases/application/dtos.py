"""What the cases application hands out: plain, frozen values, no aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.cases.application.plan_details import (
    DeliveryDetails,
    ReviewDetails,
    ScoreDetails,
    Text,
    deliveries_of,
    optional,
    reviews_of,
    t_score_history_of,
)
from services.cases.application.workspace_dtos import CaseOrder, Deadlines, WorkKind
from services.cases.domain import Case, Client
from services.cases.personal_data import PersonalData


@dataclass(frozen=True)
class GoalDetails:
    """A help-plan goal with its reviews."""

    id: UUID
    title: str
    levels: dict[str, str]
    weight: Decimal
    baseline: int
    latest_level: int | None
    reviewed_levels: list[int]
    reviews: list[ReviewDetails]
    set_on: date
    withdrawn: bool
    withdrawn_on: date | None
    withdrawal_reason: str | None


@dataclass(frozen=True)
class ServiceDetails:
    """A service assigned to a case."""

    id: UUID
    agreement_id: UUID
    units_planned: Decimal
    unit: str
    start_date: date
    units_delivered: Decimal
    ended_on: date | None
    running: bool
    deliveries: list[DeliveryDetails]
    end_date: date | None = None
    agreement_title: str | None = None
    provider_name: str | None = None


@dataclass(frozen=True)
class CaseDetails:
    """A case as the API shows it, with its GAS T-score."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: str
    target_groups: list[str]
    district: str
    team: str
    legal_basis: str
    age_band: str
    reentry: bool
    status: str
    opened_on: date
    assessed_on: date | None
    closed_on: date | None
    closure_reason: str | None
    gas_t_score: float | None
    share_of_goals_at_or_above_expected: float | None
    goals: list[GoalDetails]
    services: list[ServiceDetails]
    assessment_summary: str | None
    t_score_history: list[ScoreDetails]


@dataclass(frozen=True)
class ClientDetails:
    """A client; the personal data only for those who may read it, and only until erased."""

    id: UUID
    version: int
    pseudonym: str
    team: str
    gender_category: str | None
    registered_on: date
    personal_data_erased: bool
    personal_data: PersonalData | None = None


@dataclass(frozen=True)
class CaseQuery:
    """Which cases a list shows; `team` None means every team (auditors)."""

    team: str | None
    status: str | None = None
    field_of_action: str | None = None
    district: str | None = None
    limit: int = 50
    offset: int = 0
    reentry: bool | None = None
    # Only the open cases on the work list for this reason, as of `today`.
    due: WorkKind | None = None
    today: date | None = None
    deadlines: Deadlines = field(default_factory=Deadlines)
    sort: CaseOrder = CaseOrder.NEWEST_FIRST
    client_pseudonym: str | None = None


@dataclass(frozen=True)
class CaseSummary:
    """A case in a list."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: str
    district: str
    team: str
    age_band: str
    reentry: bool
    status: str
    opened_on: date
    closed_on: date | None
    closure_reason: str | None


@dataclass(frozen=True)
class CasePage:
    """One page of a list of cases."""

    items: list[CaseSummary]
    total: int
    limit: int
    offset: int


def case_details(case: Case, text: Text) -> CaseDetails:
    """The case as handed out, its free text opened by `text`."""
    return CaseDetails(
        id=case.id, version=case.version, client_pseudonym=case.client_pseudonym,
        field_of_action=case.field_of_action, target_groups=list(case.target_groups),
        district=case.district, team=case.team, legal_basis=case.legal_basis,
        age_band=case.age_band, reentry=case.reentry, status=str(case.status),
        opened_on=case.opened_on, assessed_on=case.assessed_on, closed_on=case.closed_on,
        closure_reason=case.closure_reason, gas_t_score=case.gas_t_score(),
        share_of_goals_at_or_above_expected=case.share_of_goals_at_or_above_expected(),
        goals=[GoalDetails(id=goal_id, title=text(goal.title),
                           levels={level: text(words) for level, words in goal.levels.items()},
                           weight=goal.weight, baseline=goal.baseline,
                           latest_level=goal.latest_level,
                           reviewed_levels=list(goal.reviewed_levels),
                           reviews=reviews_of(goal, text), set_on=goal.set_on,
                           withdrawn=goal.withdrawn, withdrawn_on=goal.withdrawn_on,
                           withdrawal_reason=optional(text, goal.withdrawal_reason))
               for goal_id, goal in case.goals.items()],
        services=[ServiceDetails(id=service_id, agreement_id=service.agreement_id,
                                 units_planned=service.units_planned, unit=service.unit,
                                 start_date=service.start_date,
                                 units_delivered=service.units_delivered,
                                 ended_on=service.ended_on, running=service.running,
                                 end_date=service.end_date,
                                 deliveries=deliveries_of(service, text))
                  for service_id, service in case.services.items()],
        assessment_summary=optional(text, case.assessment_summary),
        t_score_history=t_score_history_of(case),
    )


def client_details(client: Client, personal_data: PersonalData | None = None) -> ClientDetails:
    return ClientDetails(id=client.id, version=client.version, pseudonym=client.pseudonym,
                         team=client.team, gender_category=client.gender_category,
                         registered_on=client.registered_on,
                         personal_data_erased=client.personal_data_erased,
                         personal_data=personal_data)
