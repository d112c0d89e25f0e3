"""A span of the access log counted by role and purpose: in memory as in PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from shared.access_log import Access, AccessCount, AccessLog, MemoryAccessLog, PostgresAccessLog
from shared.store_migrations import prepare_stores
from tests.support import Infrastructure, new_database

SINCE, UNTIL = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)


def logged(role: str, purpose: str, granted: bool, at: datetime) -> Access:
    return Access(subject=f"{role}-1", role=role, object_type="case", object_ref="c-1",
                  purpose=purpose, granted=granted, at=at)


ENTRIES = [
    logged("caseworker", "assistance_planning", True, SINCE),  # the first moment counts
    logged("caseworker", "assistance_planning", True, datetime(2026, 2, 3, tzinfo=UTC)),
    logged("caseworker", "assistance_planning", False, datetime(2026, 3, 31, 23, tzinfo=UTC)),
    logged("auditor", "audit", True, datetime(2026, 2, 1, tzinfo=UTC)),
    logged("auditor", "audit", True, UNTIL),  # the end is not part of the span
    logged("provider", "agreements", False, datetime(2025, 12, 31, 23, tzinfo=UTC)),
]


@pytest.fixture(params=["memory", "postgresql"])
async def log(request: pytest.FixtureRequest,
              infrastructure: Infrastructure) -> AsyncIterator[AccessLog]:
    if request.param == "memory":
        yield MemoryAccessLog()
        return
    database_url = await new_database(infrastructure)
    prepare_stores(database_url)
    postgres = PostgresAccessLog(database_url)
    yield postgres
    postgres.close()


@pytest.mark.integration
async def test_a_span_is_counted_by_role_and_purpose_granted_and_refused(
        log: AccessLog) -> None:
    for entry in ENTRIES:
        log.record(entry)

    counts = log.counts(SINCE, UNTIL)

    assert counts == [AccessCount("auditor", "audit", 1, 0),
                      AccessCount("caseworker", "assistance_planning", 2, 1)]
