"""The provider's reports: every period across its agreements, the most urgent first, and
per period the report's form, the report as submitted, its correction and what changed."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web import labels
from services.web.clients import ChangedMeanwhile, Invalid, NotThere, services_of
from services.web.flow import Form, SignedIn, flash, form_of, new_idempotency_key, see_other
from services.web.forms import field_messages, version_of
from services.web.labels import N_
from services.web.pages.reports.figures import (
    ALIASES,
    EURO_ERROR,
    body_of,
    changes,
    typed_of,
)
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()
PAGE_SIZE = 50
State = Literal["overdue", "due", "rejected", "submitted", "accepted", ""]


@router.get("/berichte", include_in_schema=False)
async def report_list(request: Request, person: SignedIn, status: State = "",
                      seite: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    page = await services_of(request).agreements.report_overview(
        person.token, status=status, limit=PAGE_SIZE, offset=(seite - 1) * PAGE_SIZE)
    last_page = max(1, -(-int(page["total"]) // PAGE_SIZE))
    return pages_of(request).render(request, "reports/list.html", page=page,
                                    filters={"status": status}, current_page=seite,
                                    last_page=last_page)


@router.get("/berichte/{agreement_id}/{period}", include_in_schema=False)
async def report_page(request: Request, person: SignedIn, agreement_id: str,
                      period: str) -> Response:
    return await _render(request, person, agreement_id, period)


@router.post("/berichte/{agreement_id}/{period}", include_in_schema=False)
async def submit(request: Request, person: SignedIn, agreement_id: str,
                 period: str) -> Response:
    return await _send(request, person, agreement_id, period, correction=False)


@router.post("/berichte/{agreement_id}/{period}/korrektur", include_in_schema=False)
async def correct(request: Request, person: SignedIn, agreement_id: str,
                  period: str) -> Response:
    return await _send(request, person, agreement_id, period, correction=True)


async def _send(request: Request, person: Person, agreement_id: str, period: str, *,
                correction: bool) -> Response:
    form = await form_of(request)
    agreements = services_of(request).agreements
    agreement = (await agreements.agreement(person.token, _checked(agreement_id))).data
    body = body_of(form, agreement["terms"]["impact_goals"])
    typed = {k: v for k, v in form.items() if k != "idempotency_key"}
    pages = pages_of(request)
    try:
        if correction:
            await agreements.command(person.token, _path(agreement_id, period), body,
                                     method="PUT", version=version_of(form.get("version")),
                                     idempotency_key=form.get("idempotency_key"))
        else:
            await agreements.command(person.token, _path(agreement_id, ""),
                                     {**body, "period": period},
                                     idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        errors = field_messages(pages, request, error, ALIASES)
        if "expenditure" in errors:
            errors["expenditure"] = pages.text(request, EURO_ERROR)
        return await _render(request, person, agreement_id, period, errors=errors,
                             typed=typed, status=422)
    except ChangedMeanwhile as error:
        stale = error.rule == "expected_version"
        message = labels.RULES.get(error.rule, labels.ANY_RULE)
        return await _render(request, person, agreement_id, period, typed=typed, status=409,
                             conflict=stale,
                             errors={} if stale else {"_": pages.text(request, message)})
    flash(request, pages.text(request, N_("Die Korrektur ist abgegeben.") if correction
                              else N_("Der Bericht ist abgegeben.")))
    return see_other(f"/berichte/{agreement_id}/{period}")


async def _render(request: Request, person: Person, agreement_id: str, period: str, *,
                  errors: dict[str, str] | None = None, typed: Form | None = None,
                  conflict: bool = False, status: int = 200) -> Response:
    agreements = services_of(request).agreements
    agreement, entries = await asyncio.gather(
        agreements.agreement(person.token, _checked(agreement_id)),
        agreements.reports_of(person.token, agreement_id))
    entry = next((item for item in entries if item["period"] == period), None)
    if entry is None:  # not a period of the agreement that has ended
        raise NotThere(404, {})
    goals: list[dict[str, Any]] = agreement.data["terms"]["impact_goals"]
    report, version = None, None
    if entry["report_id"]:
        answer = await agreements.report(person.token, agreement_id, period)
        report, version = answer.data, answer.version
    correctable = bool(report and person.is_provider
                       and report["status"] in ("accepted", "rejected"))
    if typed is None and correctable and report:
        typed = typed_of(report["current"]["figures"], goals, language(request))
    changed = None
    if report and report["superseded"]:
        changed = changes(report["superseded"][-1]["figures"], report["current"]["figures"],
                          goals)
    return pages_of(request).render(
        request, "reports/report.html", status=status, agreement=agreement.data,
        entry=entry, report=report, version=version, goals=goals, changed=changed,
        correctable=correctable, may_submit=person.is_provider and report is None,
        errors=errors or {}, typed=typed or {}, conflict=conflict,
        idempotency_key=new_idempotency_key())


def _checked(agreement_id: str) -> str:
    """An agreement's id as the service reads it; anything else is not there."""
    try:
        return str(UUID(agreement_id))
    except ValueError:
        raise NotThere(404, {}) from None


def _path(agreement_id: str, period: str) -> str:
    return f"/agreements/{agreement_id}/reports" + (f"/{period}" if period else "")
