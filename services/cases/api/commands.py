"""HTTP routes for the commands on a case; each takes `If-Match` and `Idempotency-Key`."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from services.cases.api.answers import CaseOut
from services.cases.api.dependencies import App, CaseWorker
from services.cases.api.models import (
    Assessment,
    Closure,
    Delivery,
    DeliveryReversal,
    GoalReview,
    GoalSetting,
    GoalWithdrawal,
    Handover,
    Reopening,
    ServiceAssignment,
    ServiceEnding,
)
from services.cases.application import CaseDetails
from shared.http import etag, expected_version

router = APIRouter(tags=["case commands"])
ExpectedVersion = Annotated[int | None, Depends(expected_version)]
REFUSALS: dict[int | str, dict[str, Any]] = {
    409: {"description": "A rule refused the command; `rule` names it."}}


def _answer(case: CaseDetails, response: Response, location: str | None = None) -> CaseOut:
    response.headers["ETag"] = etag(case.version)
    if location:
        response.headers["Location"] = location
    return CaseOut.of(case)


@router.post("/cases/{case_id}/assessment", response_model=CaseOut, responses=REFUSALS,
             summary="Assess the client's situation")
def assess(case_id: UUID, body: Assessment, response: Response, caller: CaseWorker,
           cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.assess(case_id, summary=body.summary, caller=caller,
                                occurred_on=cases.on(body.occurred_on),
                                expected_version=version),
                   response)


@router.post("/cases/{case_id}/goals", status_code=201, response_model=CaseOut,
             responses=REFUSALS, summary="Set a help-plan goal")
def set_goal(case_id: UUID, body: GoalSetting, response: Response, caller: CaseWorker,
             cases: App, version: ExpectedVersion) -> CaseOut:
    case, goal_id = cases.set_goal(case_id, title=body.title, levels=body.levels,
                                   baseline=body.baseline, weight=body.weight, caller=caller,
                                   occurred_on=cases.on(body.occurred_on), expected_version=version)
    return _answer(case, response, f"/cases/{case_id}/goals/{goal_id}")


@router.post("/cases/{case_id}/goals/{goal_id}/reviews", response_model=CaseOut,
             responses=REFUSALS, summary="Review a goal: record the level attained")
def review_goal(case_id: UUID, goal_id: UUID, body: GoalReview, response: Response,
                caller: CaseWorker, cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.review_goal(case_id, goal_id, level=body.level, note=body.note,
                                     caller=caller, occurred_on=cases.on(body.occurred_on),
                                     expected_version=version), response)


@router.post("/cases/{case_id}/services", status_code=201, response_model=CaseOut,
             responses=REFUSALS,
             summary="Assign a service under an active agreement with a free place")
def assign_service(case_id: UUID, body: ServiceAssignment, response: Response,
                   caller: CaseWorker, cases: App, version: ExpectedVersion) -> CaseOut:
    case, service_id = cases.assign_service(
        case_id, agreement_id=body.agreement_id, units_planned=body.units_planned,
        start_date=body.start_date, caller=caller, occurred_on=cases.on(body.occurred_on),
        expected_version=version, end_date=body.end_date)
    return _answer(case, response, f"/cases/{case_id}/services/{service_id}")


@router.post("/cases/{case_id}/services/{service_id}/deliveries", response_model=CaseOut,
             responses=REFUSALS, summary="Record units of a service delivered in a period")
def record_delivery(case_id: UUID, service_id: UUID, body: Delivery, response: Response,
                    caller: CaseWorker, cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.record_delivery(case_id, service_id, period=body.period,
                                         units=body.units, caller=caller,
                                         occurred_on=cases.on(body.occurred_on),
                                         expected_version=version), response)


@router.post("/cases/{case_id}/services/{service_id}/end", response_model=CaseOut,
             responses=REFUSALS, summary="End a service before the case closes")
def end_service(case_id: UUID, service_id: UUID, body: ServiceEnding, response: Response,
                caller: CaseWorker, cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.end_service(case_id, service_id, reason=body.reason, caller=caller,
                                     occurred_on=cases.on(body.occurred_on),
                                     expected_version=version),
                   response)


@router.post("/cases/{case_id}/closure", response_model=CaseOut, responses=REFUSALS,
             summary="Close the case; running services end with it")
def close_case(case_id: UUID, body: Closure, response: Response, caller: CaseWorker,
               cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.close_case(case_id, reason=body.reason.value, caller=caller,
                                    occurred_on=cases.on(body.occurred_on),
                                    expected_version=version),
                   response)


@router.post("/cases/{case_id}/reopening", response_model=CaseOut, responses=REFUSALS,
             summary="Reopen a closed case")
def reopen_case(case_id: UUID, body: Reopening, response: Response, caller: CaseWorker,
                cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.reopen_case(case_id, reason=body.reason, caller=caller,
                                     occurred_on=cases.on(body.occurred_on),
                                     expected_version=version),
                   response)


@router.post("/cases/{case_id}/goals/{goal_id}/withdrawal", response_model=CaseOut,
             responses=REFUSALS, summary="Withdraw a goal set wrongly: it no longer counts")
def withdraw_goal(case_id: UUID, goal_id: UUID, body: GoalWithdrawal, response: Response,
                  caller: CaseWorker, cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.withdraw_goal(case_id, goal_id, reason=body.reason, caller=caller,
                                       occurred_on=cases.on(body.occurred_on),
                                       expected_version=version),
                   response)


@router.post("/cases/{case_id}/services/{service_id}/deliveries/{delivery_id}/reversal",
             response_model=CaseOut, responses=REFUSALS,
             summary="Reverse a delivery logged wrongly: its units no longer count")
def reverse_delivery(case_id: UUID, service_id: UUID, delivery_id: UUID,
                     body: DeliveryReversal, response: Response, caller: CaseWorker,
                     cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.reverse_delivery(case_id, service_id, delivery_id, reason=body.reason,
                                          caller=caller, occurred_on=cases.on(body.occurred_on),
                                          expected_version=version), response)


@router.post("/cases/{case_id}/handover", response_model=CaseOut, responses=REFUSALS,
             summary="Hand the case over to another team; your team no longer sees it")
def hand_over(case_id: UUID, body: Handover, response: Response, caller: CaseWorker,
              cases: App, version: ExpectedVersion) -> CaseOut:
    return _answer(cases.hand_over(case_id, team=body.team, reason=body.reason, caller=caller,
                                   occurred_on=cases.on(body.occurred_on),
                                   expected_version=version),
                   response)
