"""Find, register and correct a client; open a case for them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web.clients import ChangedMeanwhile, Invalid, services_of
from services.web.flow import SignedIn, draft_for, flash, form_of, new_idempotency_key, see_other
from services.web.forms import date_text, field_messages, german_date, optional, version_of
from services.web.labels import N_
from services.web.rendering import pages_of

router = APIRouter()
CLIENT_FIELDS = ("name", "birth_date", "address", "gender_category")


@router.get("/klienten", include_in_schema=False)
async def find(request: Request, person: SignedIn,
               name: Annotated[str, Query(max_length=200)] = "",
               birth_date: Annotated[str, Query(max_length=10)] = "") -> Response:
    found: list[dict[str, Any]] | None = None
    errors: dict[str, str] = {}
    if name or birth_date:
        try:
            found = (await services_of(request).cases.find_clients(
                person.token, name=name, birth_date=date_text(birth_date) or ""))["items"]
        except Invalid as error:
            errors = field_messages(pages_of(request), request, error)
    return pages_of(request).render(request, "clients/find.html", name=name,
                                    birth_date=birth_date, found=found, errors=errors)


@router.get("/klienten/neu/bekannt", include_in_schema=False)
async def known(request: Request, person: SignedIn,
                name: Annotated[str, Query(max_length=200)] = "",
                birth_date: Annotated[str, Query(max_length=10)] = "") -> Response:
    """While a person is typed in: whom the team already knows by that name and birth date."""
    found: list[dict[str, Any]] = []
    iso = date_text(birth_date)
    if name.strip() and iso:
        try:
            found = (await services_of(request).cases.find_clients(
                person.token, name=name, birth_date=iso))["items"]
        except Invalid:
            found = []  # not yet a date: the form says so when it is sent
    return pages_of(request).render(request, "clients/_known.html", known=found)


@router.get("/klienten/neu", include_in_schema=False)
async def registration(request: Request, person: SignedIn,
                       name: Annotated[str, Query(max_length=200)] = "",
                       birth_date: Annotated[str, Query(max_length=10)] = "") -> Response:
    values = {"name": name, "birth_date": birth_date} | draft_for(request, "/klienten/neu")
    return _registration_form(request, values)


def _registration_form(request: Request, values: dict[str, str], *,
                       errors: dict[str, str] | None = None,
                       matches: list[dict[str, Any]] | None = None) -> Response:
    # After a refusal the form gets a new key: its next sending is a new attempt.
    values["idempotency_key"] = values.get("idempotency_key") or new_idempotency_key()
    return pages_of(request).render(request, "clients/register.html", values=values,
                                    errors=errors or {}, matches=matches or [],
                                    status=422 if errors or matches else 200)


@router.post("/klienten/neu", include_in_schema=False)
async def register(request: Request, person: SignedIn) -> Response:
    form = await form_of(request)
    body: dict[str, Any] = {field: optional(form.get(field)) for field in CLIENT_FIELDS}
    body["birth_date"] = date_text(form.get("birth_date"))
    body = {key: value for key, value in body.items() if value is not None}
    if form.get("register_anyway") == "yes":
        body["register_anyway"] = True
    services = services_of(request)
    try:
        answer = await services.cases.command(person.token, "/clients", body,
                                              idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        return _registration_form(request, dict(form) | {"idempotency_key": ""},
                                  errors=field_messages(pages_of(request), request, error))
    except ChangedMeanwhile as error:
        if error.rule != "client_already_known":
            raise
        matches = [(await services.cases.client(person.token, str(client_id))).data
                   for client_id in error.problem.get("matches", [])]
        # A new key: registering anyway is a new decision, not a retry.
        return _registration_form(request, dict(form) | {"idempotency_key": ""},
                                  matches=matches)
    flash(request, pages_of(request).text(request, N_("Die Person ist registriert.")))
    return see_other(f"/klienten/{answer.data['id']}")


@router.get("/klienten/{client_id}", include_in_schema=False)
async def client_page(request: Request, person: SignedIn, client_id: str) -> Response:
    answer = await services_of(request).cases.client(person.token, client_id)
    opening = draft_for(request, "/faelle/neu")
    return pages_of(request).render(request, "clients/client.html", client=answer.data,
                                    opening=opening or {"idempotency_key": new_idempotency_key()},
                                    errors={})


@router.get("/klienten/{client_id}/bearbeiten", include_in_schema=False)
async def correction(request: Request, person: SignedIn, client_id: str) -> Response:
    answer = await services_of(request).cases.client(person.token, client_id)
    personal = answer.data.get("personal_data") or {}
    values = {**{k: str(v) for k, v in personal.items()}, "version": str(answer.version or ""),
              "birth_date": german_date(str(personal.get("birth_date", ""))),
              "idempotency_key": new_idempotency_key()}
    values |= draft_for(request, f"/klienten/{client_id}/bearbeiten")
    return pages_of(request).render(request, "clients/edit.html", client=answer.data,
                                    values=values, errors={}, conflict=False)


@router.post("/klienten/{client_id}/bearbeiten", include_in_schema=False)
async def correct(request: Request, person: SignedIn, client_id: str) -> Response:
    form = await form_of(request)
    body = {field: form.get(field, "").strip() for field in ("name", "birth_date", "address")}
    body["birth_date"] = date_text(body["birth_date"]) or ""
    services = services_of(request)
    try:
        await services.cases.command(
            person.token, f"/clients/{client_id}/personal-data", body, method="PUT",
            version=version_of(form.get("version")), idempotency_key=form.get("idempotency_key"))
    except (Invalid, ChangedMeanwhile) as error:
        client = (await services.cases.client(person.token, client_id)).data
        errors = field_messages(pages_of(request), request, error) \
            if isinstance(error, Invalid) else {}
        return pages_of(request).render(
            request, "clients/edit.html", client=client,
            values=dict(form) | {"idempotency_key": new_idempotency_key()}, errors=errors,
            conflict=isinstance(error, ChangedMeanwhile), status=409 if not errors else 422)
    flash(request, pages_of(request).text(request, N_("Die Angaben sind geändert.")))
    return see_other(f"/klienten/{client_id}")
