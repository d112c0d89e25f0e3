"""Contracts published on the cases topic: pseudonyms and coarse attributes only.

Free text a caseworker writes about a person (assessment summary, goal
title and level descriptions, review note, reasons for ending a service,
reopening a case, withdrawing a goal, reversing a delivery or handing a case
over) stays sealed in the cases service and is never published. The goal's
title went out in `HelpPlanGoalSet` v1; v2 leaves it out, and v1 stays
registered so that messages published before still read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from shared.contracts.base import IntegrationEvent
from shared.vocabulary import AgeBand, ClosureReason, FieldOfAction, GenderCategory

_CASE_ID = "Aggregate id of the case."
_CASE_EXAMPLE = "6d1f0b8e-0000-4000-8000-000000000001"
_GOAL_EXAMPLE = "0c5e2f1a-0000-4000-8000-00000000000a"
_SERVICE_EXAMPLE = "9a7b3c4d-0000-4000-8000-00000000000b"
_PERIOD = r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$"  # a quarter (2026-Q1) or a month (2026-03)


class CaseOpened(IntegrationEvent):
    """A caseworker opened a case (Einzelfall) for a client."""

    service = "cases"

    case_id: UUID = Field(description="Aggregate id of the case.")
    client_pseudonym: str = Field(
        description="Pseudonym of the client; never the person's data.", examples=["p-3f2a9c"]
    )
    field_of_action: FieldOfAction = Field(examples=["jugend"])
    target_groups: list[str] = Field(examples=[["junge Erwachsene"]])
    district: str = Field(description="Sozialraum.", examples=["Nordstadt"])
    team: str = Field(examples=["asd-nord"])
    legal_basis: str = Field(examples=["SGB VIII §27"])
    age_band: AgeBand = Field(examples=["18-26"])


class CaseAssessed(IntegrationEvent):
    """A caseworker assessed the client's situation (the summary stays in the case)."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])


class HelpPlanGoalSet(IntegrationEvent):
    """A help-plan goal (Hilfeplanziel) was set, scaled from -2 to +2 (v1, with its title:
    no longer published, read for the messages published before v2)."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    goal_id: UUID = Field(description="Id of the goal within the case.",
                          examples=[_GOAL_EXAMPLE])
    title: str = Field(description="Short title of the goal.",
                       examples=["Regelmäßiger Schulbesuch"])
    weight: Decimal = Field(gt=0, description="Weight of the goal in the GAS T-score.",
                            examples=["1", "1.5"])
    baseline: int = Field(ge=-2, le=2, description="Level when the goal was set.",
                          examples=[-1])


class HelpPlanGoalSetV2(IntegrationEvent):
    """A help-plan goal (Hilfeplanziel) was set, scaled from -2 to +2 (its title, the
    caseworker's words about the person, stays sealed in the case)."""

    service = "cases"
    version = 2
    event_name = "HelpPlanGoalSet"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    goal_id: UUID = Field(description="Id of the goal within the case.",
                          examples=[_GOAL_EXAMPLE])
    weight: Decimal = Field(gt=0, description="Weight of the goal in the GAS T-score.",
                            examples=["1", "1.5"])
    baseline: int = Field(ge=-2, le=2, description="Level when the goal was set.",
                          examples=[-1])


class ServiceAssigned(IntegrationEvent):
    """A service under a provider's agreement was assigned to a case."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    service_id: UUID = Field(description="Id of the service within the case.",
                             examples=[_SERVICE_EXAMPLE])
    agreement_id: UUID = Field(description="Aggregate id of the service agreement.",
                               examples=["3e8d1c2b-0000-4000-8000-00000000000c"])
    units_planned: Decimal = Field(gt=0, description="Units planned for the case.",
                                   examples=["40"])
    unit: str = Field(description="What one unit is, as priced in the agreement.",
                      examples=["hour"])
    start_date: date = Field(description="First day of the service.", examples=["2026-03-02"])
    end_date: date | None = Field(default=None, description="Planned last day (bewilligt bis), "
                                  "if the approval has one.", examples=["2026-08-31", None])


class ServiceDeliveryRecorded(IntegrationEvent):
    """A caseworker logged units of a service delivered in a period."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    service_id: UUID = Field(description="Id of the service within the case.",
                             examples=[_SERVICE_EXAMPLE])
    period: str = Field(pattern=_PERIOD,
                        description="Quarter or month of the delivery.",
                        examples=["2026-Q1", "2026-03"])
    units: Decimal = Field(gt=0, description="Units delivered.", examples=["12.5"])


class ServiceEnded(IntegrationEvent):
    """A service of a case ended before the case closed."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    service_id: UUID = Field(description="Id of the service within the case.",
                             examples=[_SERVICE_EXAMPLE])


class GoalReviewed(IntegrationEvent):
    """A help-plan goal was reviewed and its attainment level logged."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    goal_id: UUID = Field(description="Id of the goal within the case.",
                          examples=[_GOAL_EXAMPLE])
    level: int = Field(ge=-2, le=2, description="Attainment level, -2 to +2 (0: as expected).",
                       examples=[1])


class CaseClosed(IntegrationEvent):
    """A case was closed; services still running ended with it."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    reason: ClosureReason = Field(description="Why the case was closed.",
                                  examples=["planned_goals_achieved"])
    ended_service_ids: list[UUID] = Field(description="Services that ended with the closure.",
                                          examples=[[_SERVICE_EXAMPLE]])


class CaseReopened(IntegrationEvent):
    """A closed case was reopened."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])


class ClientRegistered(IntegrationEvent):
    """A caseworker registered a client; the person's data stays encrypted in the case service."""

    service = "cases"

    client_id: UUID = Field(description="Aggregate id of the client.",
                            examples=["1da633fa-1f3d-58d9-9d3d-52228b2d87c4"])
    client_pseudonym: str = Field(
        description="Pseudonym of the client; never the person's data.", examples=["p-3f2a9c"]
    )
    gender_category: GenderCategory | None = Field(
        description="Coarse gender category, if recorded.", examples=["female", None]
    )
    team: str = Field(description="Team that registered the client.", examples=["asd-nord"])


class ClientPersonalDataErased(IntegrationEvent):
    """A client's personal data was erased; the pseudonymous history stays countable."""

    service = "cases"

    client_id: UUID = Field(description="Aggregate id of the client.",
                            examples=["1da633fa-1f3d-58d9-9d3d-52228b2d87c4"])


class GoalWithdrawn(IntegrationEvent):
    """A help-plan goal set wrongly was withdrawn: it no longer counts (the reason stays in
    the case)."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    goal_id: UUID = Field(description="Id of the goal within the case.",
                          examples=[_GOAL_EXAMPLE])


class DeliveryReversed(IntegrationEvent):
    """A delivery logged wrongly was reversed: its units no longer count (the reason stays
    in the case)."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    service_id: UUID = Field(description="Id of the service within the case.",
                             examples=[_SERVICE_EXAMPLE])
    delivery_id: UUID = Field(description="Id of the delivery within the service.",
                              examples=["5b2e8f0c-0000-4000-8000-00000000000d"])
    period: str = Field(pattern=_PERIOD,
                        description="Quarter or month of the reversed delivery.",
                        examples=["2026-Q1", "2026-03"])
    units: Decimal = Field(gt=0, description="Units the delivery had, no longer counted.",
                           examples=["12.5"])


class CaseHandedOver(IntegrationEvent):
    """A case was handed over to another team (the reason stays in the case)."""

    service = "cases"

    case_id: UUID = Field(description=_CASE_ID, examples=[_CASE_EXAMPLE])
    from_team: str = Field(description="Team the case was with.", examples=["asd-nord"])
    to_team: str = Field(description="Team the case is with now.", examples=["asd-sued"])


class ClientPersonalDataUpdated(IntegrationEvent):
    """A client's name, birth date or address changed; the data stays in the cases service."""

    service = "cases"

    client_id: UUID = Field(description="Aggregate id of the client.",
                            examples=["1da633fa-1f3d-58d9-9d3d-52228b2d87c4"])
