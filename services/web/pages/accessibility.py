"""The accessibility statement (Erklärung zur Barrierefreiheit), reachable from every page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.rendering import Pages

router = APIRouter()


@router.get("/barrierefreiheit", include_in_schema=False)
async def statement(request: Request) -> Response:
    pages: Pages = request.app.state.pages
    return pages.render(request, "pages/accessibility.html")
