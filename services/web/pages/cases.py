"""The caseworker's lists: Meine Fälle (filters, sorting, paging, count tiles) and Fristen."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web.clients import services_of
from services.web.flow import SignedIn
from services.web.rendering import pages_of

router = APIRouter()
PAGE_SIZE = 25
Sort = Literal["opened_on", "-opened_on", "district", "field_of_action", "status"]
Due = Literal["assessment", "review", "service_ending"]


@router.get("/faelle", include_in_schema=False)
async def my_cases(
    request: Request, person: SignedIn,
    status: Literal["open", "closed", ""] = "open",
    field_of_action: Annotated[str, Query(max_length=40)] = "",
    district: Annotated[str, Query(max_length=100)] = "",
    reentry: Literal["true", ""] = "",
    due: Due | Literal[""] = "",
    sort: Sort = "-opened_on",
    seite: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    services = services_of(request)
    filters = {"status": status, "field_of_action": field_of_action, "district": district,
               "reentry": reentry, "due": due, "sort": sort}
    listing = services.cases.cases(person.token, **filters, limit=PAGE_SIZE,
                                   offset=(seite - 1) * PAGE_SIZE)
    pages = pages_of(request)
    counts: dict[str, int]
    partial = bool(request.headers.get("HX-Request")) and \
        not request.headers.get("HX-History-Restore-Request")  # the back button: whole page
    if partial:  # only the results are swapped in (and the sort kept in the filter form)
        template, page, counts = "cases/_results.html", await listing, {}
    else:  # the list and the tiles' counts asked at once
        template = "cases/list.html"
        page, counts = await asyncio.gather(listing, services.cases.counts(person.token))
    last_page = max(1, -(-int(page["total"]) // PAGE_SIZE))
    return pages.render(request, template, page=page, counts=counts, filters=filters,
                        current_page=seite, last_page=last_page, partial=partial)


@router.get("/fristen", include_in_schema=False)
async def work_list(request: Request, person: SignedIn) -> Response:
    services = services_of(request)
    pages = pages_of(request)
    return pages.render(request, "cases/work_list.html",
                        work=await services.cases.work_list(person.token))
