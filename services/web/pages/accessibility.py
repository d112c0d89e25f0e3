"""The accessibility statement (Erklärung zur Barrierefreiheit), reachable from every page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.rendering import pages_of

router = APIRouter()


@router.get("/barrierefreiheit", include_in_schema=False)
async def statement(request: Request) -> Response:
    pages = pages_of(request)
    return pages.render(request, "pages/accessibility.html")
