"""Träger: the contract manager registers, edits and deactivates providers (Freie Träger);
each step ends on the provider's page, its history beneath."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.clients import ChangedMeanwhile, Invalid, NotThere, services_of
from services.web.flow import Form, SignedIn, flash, form_of, new_idempotency_key, see_other
from services.web.forms import field_messages, optional, version_of
from services.web.labels import N_
from services.web.pages.contract_forms import an_id, describe, rule_message
from services.web.person import Person
from services.web.rendering import pages_of

router = APIRouter()


def managing(person: Person) -> None:
    """These pages are the contract manager's."""
    if not person.is_contract_manager:
        raise NotThere(404, {})  # not in the person's area, as the services answer


async def _form(request: Request) -> tuple[Form, list[str]]:
    form = await form_of(request)
    fields = [value for value in (await request.form()).getlist("fields_of_action")
              if isinstance(value, str)]
    return form, fields


def _details(form: Form, fields: list[str]) -> dict[str, Any]:
    return {"name": optional(form.get("name")) or "",
            "legal_form": optional(form.get("legal_form")) or "",
            "fields_of_action": fields, "contact": (form.get("contact") or "").strip()}


@router.get("/traeger", include_in_schema=False)
async def providers(request: Request, person: SignedIn) -> Response:
    managing(person)
    listing = await services_of(request).agreements.provider_list(person.token, limit=200)
    items = listing["items"]
    return pages_of(request).render(
        request, "providers/list.html", total=listing["total"],
        active=[p for p in items if p["active"]], inactive=[p for p in items if not p["active"]])


@router.get("/traeger/neu", include_in_schema=False)
async def new_provider(request: Request, person: SignedIn) -> Response:
    managing(person)
    return _edit_page(request, values={"idempotency_key": new_idempotency_key()}, fields=[])


@router.post("/traeger/neu", include_in_schema=False)
async def register(request: Request, person: SignedIn) -> Response:
    managing(person)
    form, fields = await _form(request)
    try:
        answer = await services_of(request).agreements.command(
            person.token, "/providers", _details(form, fields),
            idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        return _edit_page(request, values=dict(form), fields=fields, status=422,
                          errors=field_messages(pages_of(request), request, error))
    flash(request, pages_of(request).text(request, N_("Der Träger ist registriert.")))
    return see_other(f"/traeger/{answer.data['id']}#verlauf")


@router.get("/traeger/{provider_id}", include_in_schema=False)
async def provider_page(request: Request, person: SignedIn, provider_id: str) -> Response:
    managing(person)
    provider_id = an_id(provider_id)
    return await _provider_page(request, person, provider_id)


async def _provider_page(request: Request, person: Person, provider_id: str, *,
                         status: int = 200, **context: Any) -> Response:
    agreements = services_of(request).agreements
    provider = (await agreements.provider(person.token, provider_id)).data
    history = await agreements.provider_history(person.token, provider_id)
    contracts = await agreements.agreements(person.token, provider_id=provider_id, limit=200)
    return pages_of(request).render(
        request, "providers/provider.html", status=status, provider=provider,
        history=[(entry, describe(request, entry, str)) for entry in reversed(history)],
        contracts=contracts["items"], **context)


@router.get("/traeger/{provider_id}/bearbeiten", include_in_schema=False)
async def edit(request: Request, person: SignedIn, provider_id: str) -> Response:
    managing(person)
    provider_id = an_id(provider_id)
    provider = (await services_of(request).agreements.provider(person.token, provider_id)).data
    return _edit_page(request, provider=provider, values={
        **provider, "version": str(provider["version"]),
        "idempotency_key": new_idempotency_key()}, fields=provider["fields_of_action"])


@router.post("/traeger/{provider_id}/bearbeiten", include_in_schema=False)
async def update(request: Request, person: SignedIn, provider_id: str) -> Response:
    managing(person)
    provider_id = an_id(provider_id)
    form, fields = await _form(request)
    agreements = services_of(request).agreements
    try:
        await agreements.command(person.token, f"/providers/{provider_id}",
                                 _details(form, fields), method="PATCH",
                                 version=version_of(form.get("version")),
                                 idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        provider = (await agreements.provider(person.token, provider_id)).data
        return _edit_page(request, provider=provider, values=dict(form), fields=fields,
                          errors=field_messages(pages_of(request), request, error), status=422)
    except ChangedMeanwhile as error:
        return await _changed_meanwhile(request, person, provider_id, form, fields, error)
    flash(request, pages_of(request).text(request, N_("Die Angaben sind gespeichert.")))
    return see_other(f"/traeger/{provider_id}#verlauf")


async def _changed_meanwhile(request: Request, person: Person, provider_id: str, form: Form,
                             fields: list[str], error: ChangedMeanwhile) -> Response:
    """Someone changed the provider since the form was opened: show what, keep what was typed
    (with the new version, so sending again is a decision made knowing the change)."""
    agreements = services_of(request).agreements
    provider = (await agreements.provider(person.token, provider_id)).data
    version = version_of(form.get("version")) or 0
    changes = [(entry, describe(request, entry, str))
               for entry in await agreements.provider_history(person.token, provider_id)
               if int(entry["version"]) > version]
    return _edit_page(request, provider=provider, status=409, conflict=changes,
                      values={**form, "version": str(provider["version"]),
                              "idempotency_key": new_idempotency_key()}, fields=fields,
                      errors={} if changes else {"_": rule_message(request, error.rule)})


def _edit_page(request: Request, *, values: dict[str, Any], fields: list[str],
               provider: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
               conflict: list[Any] | None = None, status: int = 200) -> Response:
    return pages_of(request).render(request, "providers/edit.html", status=status,
                                    provider=provider, values=values, chosen=fields,
                                    errors=errors or {}, conflict=conflict)


@router.get("/traeger/{provider_id}/deaktivieren", include_in_schema=False)
async def confirm_deactivation(request: Request, person: SignedIn, provider_id: str) -> Response:
    managing(person)
    provider_id = an_id(provider_id)
    provider = (await services_of(request).agreements.provider(person.token, provider_id)).data
    return pages_of(request).render(request, "providers/deactivate.html", provider=provider,
                                    idempotency_key=new_idempotency_key(), error=None)


@router.post("/traeger/{provider_id}/deaktivieren", include_in_schema=False)
async def deactivate(request: Request, person: SignedIn, provider_id: str) -> Response:
    managing(person)
    provider_id = an_id(provider_id)
    form = await form_of(request)
    agreements = services_of(request).agreements
    try:
        await agreements.command(person.token, f"/providers/{provider_id}/deactivation", None,
                                 version=version_of(form.get("version")),
                                 idempotency_key=form.get("idempotency_key"))
    except ChangedMeanwhile as error:
        provider = (await agreements.provider(person.token, provider_id)).data
        message = rule_message(request, error.rule)
        return pages_of(request).render(request, "providers/deactivate.html", status=409,
                                        provider=provider, error=message,
                                        idempotency_key=new_idempotency_key())
    flash(request, pages_of(request).text(request, N_("Der Träger ist deaktiviert.")))
    return see_other(f"/traeger/{provider_id}#verlauf")
