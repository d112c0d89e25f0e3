"""HTTP route for auditors to read the access log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.cases.api.answers import AccessOut
from services.cases.api.dependencies import App, LogReader
from shared.access_counts import AccessCountsOut, Since, Until, counted

router = APIRouter(tags=["access log"])


@router.get("/access-log", response_model=list[AccessOut],
            summary="Who read which case or client, why, and every refusal (newest first)",
            description="For auditors and the data protection officer; `client_pseudonym` "
                        "reads it per person (every case of theirs included).")
def read_access_log(
    caller: LogReader, cases: App,
    object_ref: Annotated[str | None, Query(max_length=100,
                                            description="Case id or client pseudonym.")] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    granted: bool | None = None,
    client_pseudonym: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AccessOut]:
    return [AccessOut.of(entry) for entry in cases.access_log(
        object_ref=object_ref, subject=subject, granted=granted,
        client_pseudonym=client_pseudonym, limit=limit, offset=offset)]


@router.get("/access-log/counts", response_model=AccessCountsOut,
            summary="The accesses of a span of time, counted by role and purpose")
def count_access_log(caller: LogReader, cases: App, since: Since,
                     until: Until) -> AccessCountsOut:
    """Granted and refused reads of cases and clients (the auditor's report of a period)."""
    return counted(cases.access_counts, since, until)
