"""HTTP conventions shared by the routes: `If-Match`, `ETag`, history output."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field

from shared.history import HistoryEntry
from shared.problems import Problem

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


async def expected_version(
    if_match: Annotated[str | None, Header(
        description='The version you read (the ETag, e.g. "3"); a stale one answers 409.',
        examples=['"3"'])] = None,
) -> int | None:
    """The version named by `If-Match`, if any."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise Problem(f"If-Match must be a version like \"3\", not {if_match!r}.", status=400,
                      title="Invalid If-Match")
    return int(match.group(1))


def etag(version: int) -> str:
    return f'"{version}"'


class HistoryEntryOut(BaseModel):
    """One recorded event."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "ServiceAgreement.Amended", "version": 3, "occurred_on": "2026-04-01",
        "recorded_at": "2026-04-02T09:15:00Z", "actor": "cm-1",
        "data": {"reason": "Mehrbedarf", "effective_date": "2026-05-01",
                 "changes": {"capacity": 30}}}]})

    type: str = Field(examples=["ServiceAgreement.Amended"])
    version: int = Field(examples=[3])
    occurred_on: date | None = Field(examples=["2026-04-01"])
    recorded_at: datetime = Field(examples=["2026-04-02T09:15:00Z"])
    actor: str | None = Field(examples=["cm-1"])
    data: dict[str, Any] = Field(examples=[{"reason": "Mehrbedarf", "capacity": 30}])

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryEntryOut:
        return cls(type=entry.type, version=entry.version, occurred_on=entry.occurred_on,
                   recorded_at=entry.recorded_at, actor=entry.actor,
                   data=jsonable_encoder(entry.data))
