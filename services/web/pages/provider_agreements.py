"""Meine Vereinbarungen: a provider's own agreements, read-only, with the places its running
services take (from the cases service) and the impact goals' targets."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.clients import NotThere, services_of
from services.web.flow import SignedIn
from services.web.pages.agreements import catalog_of
from services.web.pages.contract_forms import an_id, euros
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()


def providing(person: Person) -> None:
    """These pages are a provider's."""
    if not person.is_provider:
        raise NotThere(404, {})  # not in the person's area, as the services answer


@router.get("/meine-vereinbarungen", include_in_schema=False)
async def my_agreements(request: Request, person: SignedIn) -> Response:
    providing(person)
    services = services_of(request)
    listing, catalog = await asyncio.gather(
        services.agreements.agreements(person.token, limit=200), catalog_of(request, person))
    ids = [str(item["agreement_id"]) for item in listing["items"]]
    answers = await asyncio.gather(*(services.agreements.agreement(person.token, agreement_id)
                                     for agreement_id in ids))
    occupancy = await services.cases.occupancy(person.token, ids)
    return _render(request, "agreements/mine.html", catalog, occupancy,
                   agreements=[answer.data for answer in answers], total=listing["total"])


@router.get("/meine-vereinbarungen/{agreement_id}", include_in_schema=False)
async def my_agreement(request: Request, person: SignedIn, agreement_id: str) -> Response:
    providing(person)
    agreement_id = an_id(agreement_id)
    services = services_of(request)
    answer, catalog = await asyncio.gather(
        services.agreements.agreement(person.token, agreement_id), catalog_of(request, person))
    occupancy = await services.cases.occupancy(person.token, [agreement_id])
    return _render(request, "agreements/mine_one.html", catalog, occupancy,
                   agreement=answer.data)


def _render(request: Request, template: str, catalog: list[dict[str, Any]],
            occupancy: dict[str, Any], **context: Any) -> Response:
    lang = language(request)
    return pages_of(request).render(
        request, template, indicators={indicator["id"]: indicator for indicator in catalog},
        occupancy=occupancy, euros=lambda cents: euros(cents, lang), **context)
