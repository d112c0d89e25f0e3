"""Vereinbarungen: the contract manager's list of agreements, drafting with impact goals from
the indicator catalog, editing the draft; the agreement's page and its steps are in
`agreement_steps`."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web.clients import ChangedMeanwhile, Invalid, services_of
from services.web.flow import SignedIn, flash, form_of, new_idempotency_key, see_other
from services.web.forms import field_messages, version_of
from services.web.labels import N_
from services.web.pages.contract_forms import (
    an_id,
    describe,
    money_messages,
    rule_message,
    terms_as_form,
    terms_of,
)
from services.web.pages.providers import managing
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()
PAGE_SIZE = 25
Status = Literal["draft", "signed", "active", "suspended", "terminated", "expired", ""]
DRAFT_FORM = "entwurf"


async def catalog_of(request: Request, person: Person) -> list[dict[str, Any]]:
    """The indicator catalog, each with its title in the person's language."""
    title = "title_en" if language(request) == "en" else "title_de"
    return [{**indicator, "title": indicator[title]}
            for indicator in await services_of(request).metrics.catalog(person.token)]


async def provider_names(request: Request, person: Person) -> dict[str, str]:
    listing = await services_of(request).agreements.provider_list(person.token, limit=200)
    return {str(p["provider_id"]): p["name"] for p in listing["items"]}


@router.get("/vereinbarungen", include_in_schema=False)
async def agreements_list(
    request: Request, person: SignedIn,
    provider_id: Annotated[str, Query(max_length=40)] = "",
    field_of_action: Annotated[str, Query(max_length=40)] = "",
    status: Status = "",
    seite: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    managing(person)
    if provider_id:
        provider_id = an_id(provider_id)
    filters = {"provider_id": provider_id, "field_of_action": field_of_action,
               "status": status}
    listing, names = await asyncio.gather(
        services_of(request).agreements.agreements(
            person.token, **filters, limit=PAGE_SIZE, offset=(seite - 1) * PAGE_SIZE),
        provider_names(request, person))
    last_page = max(1, -(-int(listing["total"]) // PAGE_SIZE))
    return pages_of(request).render(
        request, "agreements/list.html", page=listing, filters=filters, providers=names,
        current_page=seite, last_page=last_page)


@router.get("/vereinbarungen/neu", include_in_schema=False)
async def new_agreement(request: Request, person: SignedIn,
                        provider_id: Annotated[str, Query(max_length=40)] = "") -> Response:
    managing(person)
    values = {"provider_id": provider_id, "reporting_frequency": "quarterly", "due_days": "30",
              "pricing_unit": "hour", "idempotency_key": new_idempotency_key()}
    return await _terms_page(request, person, values=values)


@router.post("/vereinbarungen/neu", include_in_schema=False)
async def draft(request: Request, person: SignedIn) -> Response:
    managing(person)
    form = await form_of(request)
    terms, aliases = terms_of(form, language(request))
    body = {**terms, "provider_id": form.get("provider_id") or None}
    try:
        answer = await services_of(request).agreements.command(
            person.token, "/agreements", body, idempotency_key=form.get("idempotency_key"))
    except (Invalid, ChangedMeanwhile) as error:
        return await _terms_page(request, person, values=_retyped(form), status=422,
                                 errors=messages_of(request, error, aliases))
    flash(request, pages_of(request).text(request, N_("Der Entwurf ist gespeichert.")))
    return see_other(f"/vereinbarungen/{answer.data['id']}#verlauf")


@router.get("/vereinbarungen/{agreement_id}/bearbeiten", include_in_schema=False)
async def edit(request: Request, person: SignedIn, agreement_id: str) -> Response:
    managing(person)
    agreement_id = an_id(agreement_id)
    agreement = (await services_of(request).agreements.agreement(person.token,
                                                                 agreement_id)).data
    values = {**terms_as_form(agreement["terms"], language(request)),
              "version": str(agreement["version"]), "idempotency_key": new_idempotency_key()}
    return await _terms_page(request, person, values=values, agreement=agreement)


@router.post("/vereinbarungen/{agreement_id}/bearbeiten", include_in_schema=False)
async def save_edit(request: Request, person: SignedIn, agreement_id: str) -> Response:
    managing(person)
    agreement_id = an_id(agreement_id)
    form = await form_of(request)
    terms, aliases = terms_of(form, language(request))
    agreements = services_of(request).agreements
    try:
        await agreements.command(person.token, f"/agreements/{agreement_id}/terms", terms,
                                 method="PUT", version=version_of(form.get("version")),
                                 idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        agreement = (await agreements.agreement(person.token, agreement_id)).data
        return await _terms_page(request, person, values=_retyped(form), status=422,
                                 agreement=agreement,
                                 errors=messages_of(request, error, aliases))
    except ChangedMeanwhile as error:
        agreement = (await agreements.agreement(person.token, agreement_id)).data
        changes = await changes_since(request, person, agreement_id,
                                      version_of(form.get("version")))
        return await _terms_page(
            request, person, agreement=agreement, status=409, conflict=changes,
            values={**_retyped(form), "version": str(agreement["version"])},
            errors={} if changes else {"_": rule_message(request, error.rule)})
    flash(request, pages_of(request).text(request, N_("Der Entwurf ist gespeichert.")))
    return see_other(f"/vereinbarungen/{agreement_id}#verlauf")


async def changes_since(request: Request, person: Person, agreement_id: str,
                        version: int | None) -> list[Any]:
    """What others recorded after the version the form was filled in on, described."""
    if version is None:
        return []
    history = await services_of(request).agreements.agreement_history(person.token,
                                                                      agreement_id)
    return [(entry, describe(request, entry, str)) for entry in history
            if int(entry["version"]) > version]


# A rule the service names that is about one field: the message goes beside that field.
RULE_FIELDS = {
    "term_must_end_after_start": "term_end", "effective_date_inside_term": "effective_date",
    "termination_date_inside_term": "termination_date",
    "term_end_not_before_effective_date": "term_end",
    "impact_goal_indicators_must_be_distinct": "goal_1_indicator_id",
    "impact_goal_required": "goal_0_indicator_id",
}


def _retyped(form: dict[str, str]) -> dict[str, str]:
    """What was typed, with a new idempotency key for the next try."""
    return {**form, "idempotency_key": new_idempotency_key()}


def messages_of(request: Request, error: Invalid | ChangedMeanwhile,
                aliases: dict[str, str]) -> dict[str, str]:
    """The service's refusal as messages by form field ("_": the whole form)."""
    if isinstance(error, Invalid):
        messages = money_messages(request, field_messages(pages_of(request), request, error,
                                                          aliases))
        if set(messages) != {"_"}:
            return messages
    return {RULE_FIELDS.get(error.rule, "_"): rule_message(request, error.rule)}


async def _terms_page(request: Request, person: Person, *, values: dict[str, Any],
                      agreement: dict[str, Any] | None = None,
                      errors: dict[str, str] | None = None,
                      conflict: list[Any] | None = None, status: int = 200) -> Response:
    catalog, names = await asyncio.gather(catalog_of(request, person),
                                          provider_names(request, person))
    if agreement is None:  # only active providers get a new agreement
        listing = await services_of(request).agreements.provider_list(
            person.token, active=True, limit=200)
        names = {str(p["provider_id"]): p["name"] for p in listing["items"]}
    rows = shown_goal_rows(values)
    return pages_of(request).render(
        request, "agreements/terms.html", status=status, agreement=agreement,
        providers=sorted(names.items(), key=lambda item: item[1]), catalog=catalog,
        typed=values, failed=DRAFT_FORM, errors=errors or {}, conflict=conflict,
        goal_rows=rows, new_key=new_idempotency_key, field_names=field_names(request, rows))


def shown_goal_rows(values: dict[str, Any]) -> int:
    """Rows for the goals filled in, and a blank one to add another (two at least)."""
    filled = [int(key.split("_")[1]) for key, value in values.items()
              if key.startswith("goal_") and key.split("_")[1].isdigit()
              and not key.endswith("_comparison") and str(value).strip()]
    return max(max(filled, default=-1) + 2, 2)


FIELD_NAMES = {
    "provider_id": N_("Träger"), "title": N_("Titel"),
    "budget_product_code": N_("Produkt im Haushalt"), "field_of_action": N_("Handlungsfeld"),
    "target_groups": N_("Zielgruppen"), "districts": N_("Sozialräume"),
    "term_start": N_("Laufzeit ab"), "term_end": N_("Laufzeit bis"),
    "annual_budget": N_("Jahresbudget in Euro"), "pricing_unit": N_("Abrechnungseinheit"),
    "unit_price": N_("Preis je Einheit in Euro"), "capacity": N_("Plätze"),
    "reporting_frequency": N_("Berichtsturnus"), "due_days": N_("Berichtsfrist in Tagen"),
    "effective_date": N_("wirksam ab"), "reason": N_("Grund"),
    "termination_date": N_("Kündigung zum"),
}
GOAL_FIELD_NAMES = {
    "indicator_id": N_("Wirkungsziel %(n)s: Kennzahl"),
    "comparison": N_("Wirkungsziel %(n)s: Vergleich"),
    "target_value": N_("Wirkungsziel %(n)s: Zielwert"),
    "text": N_("Wirkungsziel %(n)s: Beschreibung"),
}


def field_names(request: Request, goal_rows: int) -> dict[str, str]:
    """Each field's name as the error summary says it."""
    text = pages_of(request).text
    names = {name: text(request, label) for name, label in FIELD_NAMES.items()}
    for row in range(goal_rows):
        for part, label in GOAL_FIELD_NAMES.items():
            names[f"goal_{row}_{part}"] = text(request, label) % {"n": row + 1}
    return names
