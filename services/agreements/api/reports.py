"""Routes for provider reports (Leistungs- und Sachberichte) on an agreement."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response

from services.agreements.api.answers import ReportEntryOut, ReportOut
from services.agreements.api.dependencies import App, Manager, ProviderRole, Reader, versioned
from services.agreements.api.models import (
    PERIOD,
    Rejection,
    ReportFiguresIn,
    ReportSubmission,
    When,
)
from services.agreements.application import ReportDetails
from services.agreements.domain import GoalOutcome, ReportFigures
from shared.http import HistoryEntryOut, Past, expected_version

router = APIRouter(prefix="/agreements/{agreement_id}/reports", tags=["reports"])
PeriodLabel = Annotated[str, Path(pattern=PERIOD, examples=["2026-Q1"],
                                  description="A year, half-year, quarter or month.")]
IfMatch = Annotated[int | None, Depends(expected_version)]
ReportState = Literal["due", "overdue", "submitted", "accepted", "rejected"]


def figures(body: ReportFiguresIn) -> ReportFigures:
    return ReportFigures(
        participants=body.participants, units_delivered=body.units_delivered,
        expenditure_cents=body.expenditure_cents,
        outcomes=tuple(GoalOutcome(indicator_id=o.indicator_id.value, achieved=o.achieved,
                                   measured=o.measured) for o in body.outcomes),
        narrative=body.narrative)


def answer(response: Response, view: ReportDetails, created: bool = False) -> ReportOut:
    location = f"/agreements/{view.agreement_id}/reports/{view.period}" if created else None
    versioned(response, view.version, location)
    return ReportOut.from_view(view)


@router.get("", summary="Periods of the agreement and where their reports stand")
def list_reports(agreement_id: UUID, caller: Reader, agreements: App,
                 status: ReportState | None = None) -> list[ReportEntryOut]:
    return [ReportEntryOut.from_view(entry) for entry in agreements.list_reports(
        agreement_id, caller=caller, today=agreements.today(), status=status)]


@router.post("", status_code=201, summary="Submit the report of a period")
def submit_report(agreement_id: UUID, body: ReportSubmission, response: Response,
                  caller: ProviderRole, agreements: App) -> ReportOut:
    return answer(response, agreements.submit_report(
        agreement_id, period=body.period, figures=figures(body), caller=caller,
        occurred_on=agreements.on(body.occurred_on)), created=True)


@router.get("/{period}", summary="Read the report of a period, now or as of a moment or version")
def read_report(agreement_id: UUID, period: PeriodLabel, response: Response, caller: Reader,
                agreements: App, past: Past) -> ReportOut:
    return answer(response, agreements.report(agreement_id, period, caller=caller,
                                               version=past.version, as_of=past.as_of))


@router.put("/{period}", summary="Correct a reviewed report by resubmitting it")
def resubmit_report(agreement_id: UUID, period: PeriodLabel, body: ReportFiguresIn,
                    response: Response, caller: ProviderRole, agreements: App,
                    if_match: IfMatch) -> ReportOut:
    return answer(response, agreements.resubmit_report(
        agreement_id, period=period, figures=figures(body), caller=caller,
        occurred_on=agreements.on(body.occurred_on), expected_version=if_match))


@router.post("/{period}/acceptance", summary="Accept a report")
def accept_report(agreement_id: UUID, period: PeriodLabel, response: Response, caller: Manager,
                  agreements: App, if_match: IfMatch, body: When | None = None) -> ReportOut:
    return answer(response, agreements.accept_report(
        agreement_id, period=period, caller=caller,
        occurred_on=agreements.on(body.occurred_on if body else None), expected_version=if_match))


@router.post("/{period}/rejection", summary="Reject a report, saying why")
def reject_report(agreement_id: UUID, period: PeriodLabel, body: Rejection, response: Response,
                  caller: Manager, agreements: App, if_match: IfMatch) -> ReportOut:
    return answer(response, agreements.reject_report(
        agreement_id, period=period, reason=body.reason, caller=caller,
        occurred_on=agreements.on(body.occurred_on), expected_version=if_match))


@router.get("/{period}/history", summary="Every recorded event of a report")
def report_history(agreement_id: UUID, period: PeriodLabel, caller: Reader,
                   agreements: App) -> list[HistoryEntryOut]:
    return [HistoryEntryOut.of(entry) for entry in agreements.report_history(
        agreement_id, period, caller=caller)]
