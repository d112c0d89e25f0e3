"""The data protection officer's desk: find a person, answer their access request (DSGVO
Art. 15) as a page and as a file, erase their personal data after a confirmation, read who
accessed their data, and see whose data is due under the retention periods."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from services.web.clients import ChangedMeanwhile, Invalid, services_of
from services.web.flow import SignedIn, flash, form_of, new_idempotency_key, see_other
from services.web.forms import date_text, field_messages, version_of
from services.web.labels import N_
from services.web.person import Person
from services.web.rendering import pages_of

router = APIRouter()
# The purposes of the officer's screens (the cases service's catalog).
SUBJECT_ACCESS, ERASURE = "subject_access", "erasure"


def _officer(person: Person) -> Person:
    if not person.is_data_protection_officer:
        raise HTTPException(403)
    return person


@router.get("/datenschutz", include_in_schema=False)
async def find(request: Request, person: SignedIn,
               name: Annotated[str, Query(max_length=200)] = "",
               birth_date: Annotated[str, Query(max_length=10)] = "") -> Response:
    _officer(person)
    found: list[dict[str, Any]] | None = None
    errors: dict[str, str] = {}
    if name or birth_date:
        try:
            found = (await services_of(request).cases.find_clients(
                person.token, name=name, birth_date=date_text(birth_date) or "",
                purpose=SUBJECT_ACCESS))["items"]
        except Invalid as error:
            errors = field_messages(pages_of(request), request, error)
    return pages_of(request).render(request, "data_protection/find.html", name=name,
                                    birth_date=birth_date, found=found, errors=errors)


@router.get("/datenschutz/personen/{client_id}", include_in_schema=False)
async def subject_access(request: Request, person: SignedIn, client_id: str) -> Response:
    _officer(person)
    export = await services_of(request).cases.subject_access(person.token, client_id)
    return pages_of(request).render(request, "data_protection/person.html", export=export)


@router.get("/datenschutz/personen/{client_id}/auskunft.json", include_in_schema=False)
async def subject_access_file(request: Request, person: SignedIn, client_id: str) -> Response:
    """The export as the file handed to the person (or kept with the request)."""
    _officer(person)
    export = await services_of(request).cases.subject_access(person.token, client_id)
    name = f"auskunft-{export['client']['pseudonym']}.json"
    return Response(json.dumps(export, ensure_ascii=False, indent=2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/datenschutz/personen/{client_id}/loeschen", include_in_schema=False)
async def erasure(request: Request, person: SignedIn, client_id: str) -> Response:
    _officer(person)
    return await _erasure_page(request, person, client_id)


async def _erasure_page(request: Request, person: Person, client_id: str, *,
                        errors: dict[str, str] | None = None, status: int = 200) -> Response:
    export = await services_of(request).cases.subject_access(person.token, client_id)
    return pages_of(request).render(request, "data_protection/erase.html", export=export,
                                    errors=errors or {}, idempotency_key=new_idempotency_key(),
                                    status=status)


@router.post("/datenschutz/personen/{client_id}/loeschen", include_in_schema=False)
async def erase(request: Request, person: SignedIn, client_id: str) -> Response:
    _officer(person)
    form = await form_of(request)
    pages = pages_of(request)
    if form.get("confirmed") != "yes":
        return await _erasure_page(request, person, client_id, status=422, errors={
            "confirmed": pages.text(request, N_("Bitte bestätigen Sie, dass die Löschung "
                                                "geprüft ist."))})
    try:
        await services_of(request).cases.command(
            person.token, f"/clients/{client_id}/personal-data", None, method="DELETE",
            version=version_of(form.get("version")),
            idempotency_key=form.get("idempotency_key"), purpose=ERASURE)
    except ChangedMeanwhile:
        return await _erasure_page(request, person, client_id, status=409, errors={
            "_": pages.text(request, N_("Die Daten wurden inzwischen geändert oder schon "
                                        "gelöscht. Bitte prüfen Sie den aktuellen Stand."))})
    flash(request, pages.text(request, N_("Die personenbezogenen Daten sind gelöscht.")))
    return see_other(f"/datenschutz/personen/{client_id}")


@router.get("/datenschutz/loeschfristen", include_in_schema=False)
async def retention(request: Request, person: SignedIn) -> Response:
    _officer(person)
    due = await services_of(request).cases.retention_due(person.token)
    return pages_of(request).render(request, "data_protection/retention.html", due=due)
