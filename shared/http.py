"""HTTP conventions shared by the routes: `If-Match`, `ETag`, history output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Query
from fastapi.encoders import jsonable_encoder
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from shared.history import HistoryEntry
from shared.openapi import answers
from shared.problems import Problem

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def _written_out(value: Any) -> Any:
    """A moment as RFC 3339 text, not seconds since 1970 (which pydantic would also take)."""
    if isinstance(value, str) and not _DATE_TIME.match(value.strip()):
        raise ValueError("a date and time like 2026-04-30T00:00:00Z")
    return value


_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
# A moment in a query, as the document says (`format: date-time`).
Moment = Annotated[datetime, BeforeValidator(_written_out)]
AwareMoment = Annotated[AwareDatetime, BeforeValidator(_written_out)]


@dataclass(frozen=True)
class PastState:
    """Which state of an object to read: a version, a moment, or (neither) the latest."""

    version: int | None = None
    as_of: datetime | None = None


@answers(400)
async def past_state(
    version: Annotated[int | None, Query(ge=1, description=(
        "A past version (not together with `as_of`: 400)."))] = None,
    as_of: Annotated[AwareMoment | None, Query(description=(
        "The state as recorded at this moment, with its offset (not together with "
        "`version`: 400)."), examples=["2026-04-02T09:15:00Z"])] = None,
) -> PastState:
    """A version or a moment, not both: the two would name two states."""
    if version is not None and as_of is not None:
        raise Problem("Ask for a version or a moment, not both.", status=400,
                      title="Version and moment together")
    return PastState(version, as_of)


Past = Annotated[PastState, Depends(past_state)]


@answers(400, 409)
async def expected_version(
    if_match: Annotated[str | None, Header(
        description='The version you read (the ETag, e.g. "3"); a stale one answers 409.',
        # Documented, not validated by FastAPI: a malformed If-Match is a 400 (below).
        json_schema_extra={"pattern": r'^\s*(\*|(W/)?"?[0-9]+"?)\s*$'}, examples=['"3"'])] = None,
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
