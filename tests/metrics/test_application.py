"""The metrics application's own operations (its questions are tested per indicator)."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import pytest

from services.metrics.application import Indicators
from services.metrics.facts.schema import create_pool, migrate
from tests.metrics.history import fixed_history
from tests.metrics.support import fact_rows, kept_and_derived_units
from tests.support import Infrastructure, new_database

pytestmark = pytest.mark.integration


async def test_events_projected_through_the_application_make_the_facts_the_consumer_makes(
        infrastructure: Infrastructure, history_facts: asyncpg.Pool) -> None:
    envelopes = [envelope for _, envelope in fixed_history().in_recorded_order()]
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        async with pool.acquire() as connection, connection.transaction():
            await Indicators(threshold=1).project(connection, envelopes[:10])
            await Indicators(threshold=1).project(connection, envelopes[10:])

        assert await fact_rows(pool) == await fact_rows(history_facts)
        kept, derived = await kept_and_derived_units(pool)
        assert kept == derived
        assert kept["case_units"]
    finally:
        await pool.close()


async def test_an_event_of_an_unknown_type_is_refused(infrastructure: Infrastructure) -> None:
    envelope = fixed_history().in_recorded_order()[0][1]
    unknown = replace(envelope, type="de.wirkung.unknown.v1")
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        async with pool.acquire() as connection:
            with pytest.raises(LookupError):
                await Indicators(threshold=1).project(connection, [unknown])
    finally:
        await pool.close()
