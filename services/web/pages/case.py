"""The case page: everything about one case, each change a form (POST → redirect → GET).

A form carries the case's version (sent as If-Match) and an idempotency key made with
it: a double click records once, and a change made meanwhile by someone else is shown
to the person instead of being overwritten.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web import labels
from services.web.charts import t_score_chart
from services.web.clients import ChangedMeanwhile, Invalid, NotThere, services_of
from services.web.flow import SignedIn, draft_for, flash, form_of, new_idempotency_key, see_other
from services.web.forms import field_messages, optional, version_of
from services.web.labels import N_
from services.web.pages.case_commands import COMMANDS
from services.web.person import Person
from services.web.rendering import pages_of

router = APIRouter()


@router.post("/faelle/neu", include_in_schema=False)
async def open_case(request: Request, person: SignedIn) -> Response:
    form = await form_of(request)
    client_id = form.get("client_id", "")
    groups = [group.strip() for group in form.get("target_groups", "").split(",")
              if group.strip()]
    body = {"client_id": client_id, "field_of_action": optional(form.get("field_of_action")),
            "district": optional(form.get("district")),
            "legal_basis": optional(form.get("legal_basis")), "target_groups": groups}
    services = services_of(request)
    try:
        answer = await services.cases.command(
            person.token, "/cases", {k: v for k, v in body.items() if v is not None},
            idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        client = (await services.cases.client(person.token, client_id)).data
        return pages_of(request).render(
            request, "clients/client.html", client=client, status=422,
            opening=dict(form) | {"idempotency_key": new_idempotency_key()},
            errors=field_messages(pages_of(request), request, error))
    flash(request, pages_of(request).text(request, N_("Der Fall ist eröffnet.")))
    return see_other(f"/faelle/{answer.data['id']}")


@router.get("/faelle/{case_id}", include_in_schema=False)
async def case_page(request: Request, person: SignedIn, case_id: str) -> Response:
    return await _render_case(request, person, case_id)


@router.get("/faelle/{case_id}/verlauf", include_in_schema=False)
async def case_history(request: Request, person: SignedIn, case_id: str) -> Response:
    services = services_of(request)
    case = (await services.cases.case(person.token, case_id)).data
    history = await services.cases.history(person.token, case_id)
    return pages_of(request).render(request, "case/history.html", case=case,
                                    history=list(reversed(history)))


async def _render_case(request: Request, person: Person, case_id: str, *,
                       failed: str | None = None, errors: dict[str, str] | None = None,
                       typed: dict[str, str] | None = None,
                       conflict: list[dict[str, Any]] | None = None,
                       status: int = 200) -> Response:
    services = services_of(request)
    answer = await services.cases.case(person.token, case_id)
    case: dict[str, Any] = answer.data
    assignable: list[dict[str, Any]] = []
    if case["status"] == "open":
        assignable = (await services.cases.assignable_agreements(person.token, case_id))["items"]
    if typed is None and (kept := _kept_draft(request, case_id)):
        failed, typed = kept
    history = case.get("t_score_history") or []
    return pages_of(request).render(
        request, "case/page.html", status=status, case=case, assignable=assignable,
        chart=t_score_chart(history) if history else None, failed=failed,
        errors=errors or {}, typed=typed or {}, conflict=conflict, new_key=new_idempotency_key)


def _kept_draft(request: Request, case_id: str) -> tuple[str, dict[str, str]] | None:
    """A form of this case kept across a new sign-in: which form, and what was typed."""
    draft = request.session.get("draft")
    prefix = f"/faelle/{case_id}/"
    if not isinstance(draft, dict) or not str(draft.get("action", "")).startswith(prefix):
        return None
    fields = draft_for(request, str(draft["action"]))
    return _form_id(*str(draft["action"])[len(prefix):].split("/")), fields


@router.post("/faelle/{case_id}/{action}", include_in_schema=False)
async def case_command(request: Request, person: SignedIn, case_id: str,
                       action: str) -> Response:
    return await _run(request, person, case_id, action)


@router.post("/faelle/{case_id}/{action}/{item}", include_in_schema=False)
async def item_command(request: Request, person: SignedIn, case_id: str, action: str,
                       item: str) -> Response:
    return await _run(request, person, case_id, action, item=item)


@router.post("/faelle/{case_id}/{action}/{item}/{sub}", include_in_schema=False)
async def sub_item_command(request: Request, person: SignedIn, case_id: str, action: str,
                           item: str, sub: str) -> Response:
    return await _run(request, person, case_id, action, item=item, sub=sub)


async def _run(request: Request, person: Person, case_id: str, action: str, *,
               item: str | None = None, sub: str | None = None) -> Response:
    command = COMMANDS.get(action)
    if command is None:
        raise NotThere(404, {})
    form = await form_of(request)
    version = version_of(form.get("version"))
    path = f"/cases/{case_id}/" + command.path.format(item=item, sub=sub)
    try:
        await services_of(request).cases.command(person.token, path, command.body(form),
                                                 version=version,
                                                 idempotency_key=form.get("idempotency_key"),
                                                 purpose=command.purpose)
    except Invalid as error:
        return await _render_case(request, person, case_id, failed=_form_id(action, item, sub),
                                  errors=field_messages(pages_of(request), request, error),
                                  typed=_without(form, "idempotency_key"), status=422)
    except ChangedMeanwhile as error:
        changes = await _changes_since(request, person, case_id, version)
        return await _render_case(
            request, person, case_id, failed=_form_id(action, item, sub),
            typed=_without(form, "idempotency_key", "version"),
            conflict=changes, status=409,
            errors={} if changes else {"_": pages_of(request).text(
                request, labels.RULES.get(error.rule, labels.ANY_RULE))})
    flash(request, pages_of(request).text(request, command.done))
    if command.leaves_the_case:
        return see_other("/faelle")
    return see_other(f"/faelle/{case_id}#{command.section}")


def _without(form: dict[str, str], *names: str) -> dict[str, str]:
    """What was typed, less what must be new in the next try (the key; after a conflict,
    the version: the person has now seen the other change)."""
    return {key: value for key, value in form.items() if key not in names}


def _form_id(action: str, item: str | None = None, sub: str | None = None) -> str:
    """Which form of the case page: its action and the goal, service, delivery it is for."""
    return "-".join(part for part in (action, item, sub) if part)


async def _changes_since(request: Request, person: Person, case_id: str,
                         version: int | None) -> list[dict[str, Any]]:
    """What others recorded after the version the form was filled in on."""
    if version is None:
        return []
    history = await services_of(request).cases.history(person.token, case_id)
    return [entry for entry in history if int(entry["version"]) > version]
