"""An agreement's page for the contract manager: its terms, goals and history, and a form per
step (sign, amend, suspend, resume, terminate). Each step posts the version read (If-Match)
and an idempotency key; afterwards the page shows the history with the step in it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.clients import ChangedMeanwhile, Invalid, NotThere, services_of
from services.web.flow import Form, SignedIn, flash, form_of, new_idempotency_key, see_other
from services.web.forms import date_text, optional, version_of
from services.web.labels import N_
from services.web.pages.agreements import (
    catalog_of,
    changes_since,
    field_names,
    messages_of,
)
from services.web.pages.contract_forms import (
    MONEY_FIELDS,
    an_id,
    cents_of,
    describe,
    euros,
    goal_rows,
    goals_of,
    whole_number,
)
from services.web.pages.providers import managing
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()


def _reason(form: Form, lang: str, agreement: dict[str, Any]) -> tuple[dict[str, Any],
                                                                      dict[str, str]]:
    return {"reason": optional(form.get("reason")) or ""}, {}


def _nothing(form: Form, lang: str, agreement: dict[str, Any]) -> tuple[None, dict[str, str]]:
    return None, {}


def _termination(form: Form, lang: str, agreement: dict[str, Any]) -> tuple[dict[str, Any],
                                                                           dict[str, str]]:
    return {"termination_date": date_text(form.get("termination_date")),
            "reason": optional(form.get("reason")) or ""}, {}


def _amendment(form: Form, lang: str, agreement: dict[str, Any]) -> tuple[dict[str, Any],
                                                                         dict[str, str]]:
    """Only what the form changes: an empty field keeps its value, the goals are sent when
    they differ from the agreement's."""
    goals, aliases = goals_of(form)
    body: dict[str, Any] = {
        "effective_date": date_text(form.get("effective_date")),
        "reason": optional(form.get("reason")) or "",
        "annual_budget_cents": cents_of(form.get("annual_budget"), lang),
        "unit_price_cents": cents_of(form.get("unit_price"), lang),
        "capacity": whole_number(form.get("capacity")),
        "term_end": date_text(form.get("term_end")),
    }
    if goals != [{**goal, "target_value": str(goal["target_value"])}
                 for goal in agreement["terms"]["impact_goals"]]:
        body["impact_goals"] = goals
    return {k: v for k, v in body.items() if v is not None}, {**aliases, **MONEY_FIELDS}


@dataclass(frozen=True)
class Step:
    """One step of an agreement's life: the API path below it, its body, what it says."""

    path: str
    body: Callable[[Form, str, dict[str, Any]], tuple[dict[str, Any] | None, dict[str, str]]]
    done: str


STEPS = {
    "unterzeichnen": Step("signature", _nothing, N_("Die Vereinbarung ist unterzeichnet.")),
    "aendern": Step("amendments", _amendment, N_("Die Änderung ist gespeichert.")),
    "aussetzen": Step("suspension", _reason, N_("Die Vereinbarung ist ausgesetzt.")),
    "fortsetzen": Step("resumption", _nothing, N_("Die Vereinbarung läuft wieder.")),
    "kuendigen": Step("termination", _termination, N_("Die Vereinbarung ist gekündigt.")),
}


@router.get("/vereinbarungen/{agreement_id}", include_in_schema=False)
async def agreement_page(request: Request, person: SignedIn, agreement_id: str) -> Response:
    managing(person)
    agreement_id = an_id(agreement_id)
    return await _render(request, person, agreement_id)


@router.post("/vereinbarungen/{agreement_id}/{action}", include_in_schema=False)
async def step(request: Request, person: SignedIn, agreement_id: str, action: str) -> Response:
    managing(person)
    agreement_id = an_id(agreement_id)
    chosen = STEPS.get(action)
    if chosen is None:
        raise NotThere(404, {})
    form = await form_of(request)
    agreements = services_of(request).agreements
    agreement = (await agreements.agreement(person.token, agreement_id)).data
    body, aliases = chosen.body(form, language(request), agreement)
    version = version_of(form.get("version"))
    try:
        await agreements.command(person.token, f"/agreements/{agreement_id}/{chosen.path}",
                                 body, version=version,
                                 idempotency_key=form.get("idempotency_key"))
    except Invalid as error:
        return await _render(request, person, agreement_id, failed=action, status=422,
                             typed=_without(form, "idempotency_key"),
                             errors=messages_of(request, error, aliases))
    except ChangedMeanwhile as error:
        changes = await changes_since(request, person, agreement_id, version)
        return await _render(
            request, person, agreement_id, failed=action, status=409, conflict=changes,
            typed=_without(form, "idempotency_key", "version"),
            errors={} if changes else messages_of(request, error, aliases))
    flash(request, pages_of(request).text(request, chosen.done))
    return see_other(f"/vereinbarungen/{agreement_id}#verlauf")


def _without(form: Form, *names: str) -> Form:
    return {key: value for key, value in form.items() if key not in names}


async def _render(request: Request, person: Person, agreement_id: str, *,
                  failed: str | None = None, typed: Form | None = None,
                  errors: dict[str, str] | None = None, conflict: list[Any] | None = None,
                  status: int = 200) -> Response:
    agreements = services_of(request).agreements
    answer, history, catalog = await asyncio.gather(
        agreements.agreement(person.token, agreement_id),
        agreements.agreement_history(person.token, agreement_id),
        catalog_of(request, person))
    agreement: dict[str, Any] = answer.data
    provider = (await agreements.provider(person.token, str(agreement["provider_id"]))).data
    indicators = {indicator["id"]: indicator for indicator in catalog}
    lang = language(request)

    def title(indicator_id: str) -> str:
        return str(indicators.get(indicator_id, {}).get("title", indicator_id))

    goals = agreement["terms"]["impact_goals"]
    rows = len(goals) + 1
    return pages_of(request).render(
        request, "agreements/agreement.html", status=status, agreement=agreement,
        provider=provider, catalog=catalog, indicators=indicators,
        history=[(entry, describe(request, entry, title)) for entry in reversed(history)],
        failed=failed, typed=typed or {}, goal_values=goal_rows(goals, lang),
        errors=errors or {}, conflict=conflict,
        new_key=new_idempotency_key, goal_rows=rows, field_names=field_names(request, rows),
        euros=lambda cents: euros(cents, lang))
