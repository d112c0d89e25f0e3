"""Routes for service agreements (Leistungsvereinbarungen)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from services.agreements.api.answers import AgreementOut, AgreementPage
from services.agreements.api.dependencies import App, Manager, Reader, versioned
from services.agreements.api.models import (
    AgreementDraft,
    AgreementEdit,
    AgreementTermsIn,
    Amendment,
    ImpactGoalIn,
    Suspension,
    Termination,
    When,
)
from services.agreements.application import AgreementDetails
from services.agreements.domain import AgreementStatus, AgreementTerms, ImpactGoal
from services.agreements.domain.values import ReportingObligation
from shared.http import HistoryEntryOut, Past, expected_version
from shared.vocabulary import FieldOfAction

router = APIRouter(prefix="/agreements", tags=["agreements"])
IfMatch = Annotated[int | None, Depends(expected_version)]


def goals(items: list[ImpactGoalIn]) -> tuple[ImpactGoal, ...]:
    return tuple(ImpactGoal(text=g.text, indicator_id=g.indicator_id.value,
                            comparison=g.comparison, target_value=g.target_value)
                 for g in items)


def terms(body: AgreementTermsIn) -> AgreementTerms:
    return AgreementTerms(
        title=body.title, budget_product_code=body.budget_product_code,
        field_of_action=body.field_of_action, target_groups=tuple(body.target_groups),
        districts=tuple(body.districts), term_start=body.term_start, term_end=body.term_end,
        annual_budget_cents=body.annual_budget_cents, pricing_unit=body.pricing_unit,
        unit_price_cents=body.unit_price_cents, capacity=body.capacity,
        impact_goals=goals(body.impact_goals),
        reporting_obligation=ReportingObligation(
            due_days=body.reporting_obligation.due_days,
            frequency=body.reporting_obligation.frequency))


def answer(response: Response, view: AgreementDetails, created: bool = False) -> AgreementOut:
    versioned(response, view.version, f"/agreements/{view.id}" if created else None)
    return AgreementOut.of(view)


@router.post("", status_code=201, summary="Draft a service agreement")
def draft_agreement(body: AgreementDraft, response: Response, caller: Manager,
                    agreements: App) -> AgreementOut:
    return answer(response, agreements.draft_agreement(
        provider_id=body.provider_id, terms=terms(body), caller=caller,
        occurred_on=agreements.on(body.occurred_on)), created=True)


@router.get("", summary="List and search service agreements")
def list_agreements(caller: Reader, agreements: App, provider_id: UUID | None = None,
                    field_of_action: FieldOfAction | None = None,
                    status: AgreementStatus | None = None, district: str | None = None,
                    product_code: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50,
                    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> AgreementPage:
    return AgreementPage.of(agreements.list_agreements(
        caller=caller, today=agreements.today(), provider_id=provider_id,
        field_of_action=field_of_action, status=status, district=district,
        product_code=product_code, limit=limit, offset=offset))


@router.get("/{agreement_id}", summary="Read an agreement, now or as of a moment or version")
def read_agreement(agreement_id: UUID, response: Response, caller: Reader, agreements: App,
                   past: Past) -> AgreementOut:
    return answer(response, agreements.agreement(agreement_id, caller=caller,
                                                  today=agreements.today(), version=past.version,
                                                  as_of=past.as_of))


@router.put("/{agreement_id}/terms", summary="Edit the terms of a draft")
def edit_agreement(agreement_id: UUID, body: AgreementEdit, response: Response,
                   caller: Manager, agreements: App, if_match: IfMatch) -> AgreementOut:
    return answer(response, agreements.edit_agreement(
        agreement_id, terms=terms(body), caller=caller,
        occurred_on=agreements.on(body.occurred_on),
        expected_version=if_match))


@router.post("/{agreement_id}/signature", summary="Sign a draft")
def sign_agreement(agreement_id: UUID, response: Response, caller: Manager,
                   agreements: App, if_match: IfMatch, body: When | None = None) -> AgreementOut:
    return answer(response, agreements.sign_agreement(
        agreement_id, caller=caller,
        occurred_on=agreements.on(body.occurred_on if body else None),
        expected_version=if_match))


@router.post("/{agreement_id}/amendments", summary="Amend a signed agreement")
def amend_agreement(agreement_id: UUID, body: Amendment, response: Response,
                    caller: Manager, agreements: App, if_match: IfMatch) -> AgreementOut:
    return answer(response, agreements.amend_agreement(
        agreement_id, effective_date=body.effective_date, reason=body.reason,
        annual_budget_cents=body.annual_budget_cents, unit_price_cents=body.unit_price_cents,
        capacity=body.capacity,
        impact_goals=goals(body.impact_goals) if body.impact_goals is not None else None,
        term_end=body.term_end, caller=caller, occurred_on=agreements.on(body.occurred_on),
        expected_version=if_match))


@router.post("/{agreement_id}/suspension", summary="Suspend an active agreement")
def suspend_agreement(agreement_id: UUID, body: Suspension, response: Response,
                      caller: Manager, agreements: App, if_match: IfMatch) -> AgreementOut:
    return answer(response, agreements.suspend_agreement(
        agreement_id, reason=body.reason, caller=caller,
        occurred_on=agreements.on(body.occurred_on),
        expected_version=if_match))


@router.post("/{agreement_id}/resumption", summary="Resume a suspended agreement")
def resume_agreement(agreement_id: UUID, response: Response, caller: Manager,
                     agreements: App, if_match: IfMatch,
                     body: When | None = None) -> AgreementOut:
    return answer(response, agreements.resume_agreement(
        agreement_id, caller=caller,
        occurred_on=agreements.on(body.occurred_on if body else None),
        expected_version=if_match))


@router.post("/{agreement_id}/termination", summary="Terminate an agreement")
def terminate_agreement(agreement_id: UUID, body: Termination, response: Response,
                        caller: Manager, agreements: App,
                        if_match: IfMatch) -> AgreementOut:
    return answer(response, agreements.terminate_agreement(
        agreement_id, termination_date=body.termination_date, reason=body.reason,
        caller=caller, occurred_on=agreements.on(body.occurred_on), expected_version=if_match))


@router.get("/{agreement_id}/history", summary="Every recorded event of an agreement")
def agreement_history(agreement_id: UUID, caller: Reader,
                      agreements: App) -> list[HistoryEntryOut]:
    return [HistoryEntryOut.of(entry)
            for entry in agreements.agreement_history(agreement_id, caller=caller)]
