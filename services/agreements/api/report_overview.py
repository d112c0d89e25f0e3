"""The reports of every agreement in scope, the most urgent first (Berichte, Prüfung)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from services.agreements.api.answers import ReportOverviewOut
from services.agreements.api.dependencies import App, Reader
from services.agreements.api.models import PERIOD
from shared.vocabulary import FieldOfAction

router = APIRouter(prefix="/reports", tags=["reports"])
EntryState = Literal["overdue", "due", "rejected", "submitted", "accepted"]


@router.get("", summary="Every period's report across agreements, the most urgent first")
def report_overview(
    caller: Reader, agreements: App,
    status: Annotated[list[EntryState] | None, Query(
        description="Only these states (repeat the parameter); all by default")] = None,
    provider_id: UUID | None = None, field_of_action: FieldOfAction | None = None,
    period: Annotated[str | None, Query(
        pattern=PERIOD, examples=["2026-Q1"],
        description="Periods within these days: a year, half-year, quarter or month")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportOverviewOut:
    """Overdue (the longest overdue first), due (by due date), rejected, submitted,
    accepted; a provider sees only its own agreements' reports."""
    states = tuple(dict.fromkeys(status)) if status else None
    overview = agreements.report_overview(
        caller=caller, today=agreements.today(), provider_id=provider_id,
        field_of_action=field_of_action.value if field_of_action else None, period=period,
        limit=limit, offset=offset, **({"states": states} if states else {}))
    return ReportOverviewOut.of(overview)
