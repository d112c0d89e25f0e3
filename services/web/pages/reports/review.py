"""The contract manager's review queue (Prüfung): every report awaiting review and every
overdue one, across agreements; accept, or reject with a reason, right from the queue."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web import labels
from services.web.clients import ChangedMeanwhile, Invalid, NotThere, services_of
from services.web.flow import SignedIn, flash, form_of, new_idempotency_key, safe_next, see_other
from services.web.forms import field_messages, optional, version_of
from services.web.labels import N_
from services.web.person import Person
from services.web.rendering import pages_of

router = APIRouter()
PAGE_SIZE = 50
QUEUED = ["submitted", "overdue"]
STEPS = {"annahme": ("acceptance", N_("Der Bericht ist angenommen.")),
         "ablehnung": ("rejection", N_("Der Bericht ist abgelehnt."))}
PERIOD_ERROR = N_("Bitte einen Zeitraum wie 2026, 2026-H1, 2026-Q1 oder 2026-03 angeben.")


@router.get("/pruefung", include_in_schema=False)
async def review_queue(
    request: Request, person: SignedIn,
    provider_id: Annotated[str, Query(max_length=40)] = "",
    field_of_action: Annotated[str, Query(max_length=40)] = "",
    period: Annotated[str, Query(max_length=40)] = "",
    status: Literal["submitted", "overdue", ""] = "",
    seite: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    filters = {"provider_id": provider_id, "field_of_action": field_of_action,
               "period": period, "status": status}
    return await _render(request, person, filters, seite)


@router.post("/pruefung/{agreement_id}/{period}/{step}", include_in_schema=False)
async def review(request: Request, person: SignedIn, agreement_id: str, period: str,
                 step: str) -> Response:
    if step not in STEPS:
        raise NotThere(404, {})
    form = await form_of(request)
    back = safe_next(form.get("back") or "/pruefung")
    path, done = STEPS[step]
    body = {"reason": optional(form.get("reason"))} if step == "ablehnung" else None
    pages = pages_of(request)
    failed = {"row": f"{agreement_id}/{period}", "reason": form.get("reason", "")}
    try:
        await services_of(request).agreements.command(
            person.token, f"/agreements/{agreement_id}/reports/{period}/{path}",
            {k: v for k, v in body.items() if v is not None} if body is not None else None,
            version=version_of(form.get("version")),
            idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        return await _render(request, person, _filters_of(back), 1, status=422,
                             failed=failed | {"errors": field_messages(pages, request, error)})
    except ChangedMeanwhile as error:
        rule = error.rule
        message = (N_("Inzwischen hat jemand anderes diesen Bericht geändert. Ihre Prüfung "
                      "ist nicht gespeichert; die Liste zeigt jetzt den neuen Stand.")
                   if rule == "expected_version" else labels.RULES.get(rule, labels.ANY_RULE))
        return await _render(request, person, _filters_of(back), 1, status=409,
                             conflict=pages.text(request, message))
    flash(request, pages.text(request, done))
    return see_other(back)


async def _render(request: Request, person: Person, filters: dict[str, str], seite: int, *,
                  status: int = 200, failed: dict[str, Any] | None = None,
                  conflict: str | None = None) -> Response:
    agreements = services_of(request).agreements
    pages = pages_of(request)
    errors: dict[str, str] = {}
    providers: list[dict[str, Any]] = []
    listing = agreements.report_overview(
        person.token, status=[filters["status"]] if filters["status"] else QUEUED,
        provider_id=filters["provider_id"], field_of_action=filters["field_of_action"],
        period=filters["period"], limit=PAGE_SIZE, offset=(seite - 1) * PAGE_SIZE)
    partial = bool(request.headers.get("HX-Request")) and \
        not request.headers.get("HX-History-Restore-Request") and status == 200
    try:
        if partial:
            page = await listing
        else:
            page, providers = await asyncio.gather(
                listing, agreements.providers(person.token, active=True, limit=200))
    except Invalid:  # the one filter typed, not chosen: the period
        if partial:  # the whole page says so, beside the field
            return Response(status_code=200, headers={"HX-Redirect": _full_path(request)})
        errors = {"period": pages.text(request, PERIOD_ERROR)}
        page = {"items": [], "total": 0, "counts": {}}
        providers = await agreements.providers(person.token, active=True, limit=200)
        status = 422 if status == 200 else status
    last_page = max(1, -(-int(page["total"]) // PAGE_SIZE))
    return pages.render(
        request, "reports/_queue.html" if partial else "reports/queue.html", status=status,
        page=page, providers=[(p["provider_id"], p["name"]) for p in providers],
        filters=filters, current_page=seite, last_page=last_page, errors=errors,
        failed=failed or {}, conflict=conflict, partial=partial, new_key=new_idempotency_key)


def _full_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _filters_of(back: str) -> dict[str, str]:
    """The queue's filters from the address the review was sent from."""
    query = parse_qs(urlsplit(back).query)
    filters = {name: (query.get(name) or [""])[0][:40]
               for name in ("provider_id", "field_of_action", "period", "status")}
    if filters["status"] not in QUEUED:
        filters["status"] = ""
    return filters
