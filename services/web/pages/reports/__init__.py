"""Reports (Leistungs- und Sachberichte): the provider's list and form, the review queue."""

from __future__ import annotations

from fastapi import APIRouter

from services.web.pages.reports import provider, review

router = APIRouter()
router.include_router(provider.router)
router.include_router(review.router)
