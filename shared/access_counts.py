"""The answer of `GET /access-log/counts` in both write services: a period's accesses
counted by role and purpose, granted and refused (the auditor's report shows them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from shared.access_log import AccessCount
from shared.problems import Problem

Since = Annotated[datetime, Query(description="From this moment (included).",
                                  examples=["2026-01-01T00:00:00Z"])]
Until = Annotated[datetime, Query(description="Up to this moment (excluded).",
                                  examples=["2026-04-01T00:00:00Z"])]


class AccessCountOut(BaseModel):
    """How often one role asked for one purpose in the period."""

    role: str = Field(examples=["caseworker"])
    purpose: str = Field(examples=["assistance_planning"])
    granted: int = Field(examples=[120])
    refused: int = Field(examples=[2])


class AccessCountsOut(BaseModel):
    """The accesses logged from `since` to `until`, by role and purpose."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "since": "2026-01-01T00:00:00Z", "until": "2026-04-01T00:00:00Z",
        "counts": [{"role": "caseworker", "purpose": "assistance_planning", "granted": 120,
                    "refused": 2}]}]})

    since: datetime
    until: datetime
    counts: list[AccessCountOut]


def counted(counts: Callable[[datetime, datetime], list[AccessCount]], since: datetime,
            until: datetime) -> AccessCountsOut:
    """The answer; a moment without offset is read as UTC, an empty span is refused."""
    since, until = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                    for moment in (since, until))
    if until <= since:
        raise Problem("`until` must be after `since`.", status=422, title="Invalid span")
    return AccessCountsOut(since=since, until=until,
                           counts=[_out(count) for count in counts(since, until)])


def _out(count: AccessCount) -> AccessCountOut:
    return AccessCountOut(role=count.role, purpose=count.purpose, granted=count.granted,
                          refused=count.refused)
