"""HTTP route for auditors and the data protection officer to read the refusals logged here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.agreements.api.dependencies import App, LogReader
from shared.access_counts import AccessCountsOut, Since, Until, counted

router = APIRouter(tags=["access log"])


class AccessOut(BaseModel):
    """One refused access: someone asked for a provider, agreement or report not theirs."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "provider-7", "role": "provider", "object_type": "agreement",
        "object_ref": "0b6c1f0e-7f1d-4d47-9a57-2f1c3a9e8b10", "purpose": "agreements",
        "granted": False, "at": "2026-04-02T09:15:00Z"}]})

    subject: str
    role: str
    object_type: str = Field(examples=["agreement", "provider"])
    object_ref: str = Field(description="The id asked for.")
    purpose: str
    granted: bool
    at: datetime


@router.get("/access-log", response_model=list[AccessOut],
            summary="Refused accesses to providers, agreements and reports (newest first)")
def read_access_log(
    caller: LogReader, agreements: App,
    object_ref: Annotated[str | None, Query(max_length=100)] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AccessOut]:
    return [AccessOut.model_validate(entry, from_attributes=True)
            for entry in agreements.access_log.entries(object_ref=object_ref, subject=subject,
                                                       limit=limit, offset=offset)]


@router.get("/access-log/counts", response_model=AccessCountsOut,
            summary="The accesses of a span of time, counted by role and purpose")
def count_access_log(caller: LogReader, agreements: App, since: Since,
                     until: Until) -> AccessCountsOut:
    """Granted and refused reads of providers, agreements and reports (the auditor's
    report of a period)."""
    return counted(agreements.access_log.counts, since, until)
