"""HTTP routes of the caseworker's workspace: the work list (Fristen), counts, and the
agreements a case's service can be assigned under."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from services.cases.api.dependencies import App, CaseReader, CaseWorker, caller_as
from services.cases.api.workspace_answers import (
    AssignableAgreementsOut,
    CaseCountsOut,
    OccupancyOut,
    WorkListOut,
)
from services.cases.application import Caller
from shared.auth import Role

router = APIRouter(tags=["workspace"])


@router.get("/cases/counts", response_model=CaseCountsOut,
            summary="Count your team's open cases, and those with work due",
            description="For the caller's team, open cases only, as of the service's today.")
def case_counts(caller: CaseWorker, cases: App) -> CaseCountsOut:
    return CaseCountsOut.of(cases.case_counts(caller=caller))


@router.get("/work-list", response_model=WorkListOut, response_model_exclude_none=True,
            summary="Your team's due work (Fristen), most urgent first",
            description="Open cases of the caller's team: goal reviews due (not reviewed for "
                        "`review_interval_days`, counted from the last review or the goal's "
                        "setting), assessments missing `assessment_within_days` after the "
                        "opening, and running services whose planned end or agreement ends "
                        "within `ending_within_days` (or has passed). Ids that do not apply to "
                        "an item's kind are left out.")
def work_list(caller: CaseWorker, cases: App) -> WorkListOut:
    return WorkListOut.of_list(cases.work_list(caller=caller))


@router.get("/cases/{case_id}/assignable-agreements", response_model=AssignableAgreementsOut,
            response_model_exclude_none=True,
            summary="Agreements a service of this case can be assigned under today",
            description="Signed agreements of the case's field of action covering its "
                        "district, within their term, neither suspended nor terminated today, "
                        "with a free place; most places left first.")
def assignable_agreements(case_id: UUID, caller: CaseReader,
                          cases: App) -> AssignableAgreementsOut:
    return AssignableAgreementsOut.of_list(cases.assignable_agreements(case_id, caller=caller))


OccupancyReader = Annotated[Caller, Depends(caller_as(Role.PROVIDER, Role.CONTRACT_MANAGER,
                                                     Role.AUDITOR, Role.CASEWORKER))]


@router.get("/agreement-occupancy", response_model=OccupancyOut,
            summary="Places taken and free today of the agreements named",
            description="Per agreement the cases service has heard of: its capacity (as "
                        "amended), the running services under it (places taken) and the places "
                        "free. A provider learns only of its own agreements; others are left "
                        "out, as are agreements not yet replicated.")
def agreement_occupancy(caller: OccupancyReader, cases: App,
                        agreement_id: Annotated[list[UUID], Query(max_length=200)]
                        ) -> OccupancyOut:
    return OccupancyOut.of_list(cases.occupancy(agreement_id, caller=caller))
