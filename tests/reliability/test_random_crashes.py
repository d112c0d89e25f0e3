"""Property: whatever the batches, redeliveries and crash points, the facts built
incrementally equal the facts built once from the history (a rebuild)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from aiokafka.structs import ConsumerRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.metrics.consumer import metrics_consumer
from services.metrics.facts.schema import create_pool, migrate
from shared.envelope import Headers
from tests.metrics.history import fixed_history
from tests.metrics.support import fact_rows, facts_of, kept_and_derived_units
from tests.support import Infrastructure, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOPIC = "history"
Step = tuple[int, bool]  # (batch size, killed after the database commit)


def records(repeats: list[tuple[int, int]]) -> list[ConsumerRecord[bytes, bytes]]:
    """The history as one partition, with batches the relay published again."""
    envelopes = [envelope for _, envelope in fixed_history().in_recorded_order()]
    stream: list[Any] = []
    for index, envelope in enumerate(envelopes):
        stream.append(envelope)
        for start, length in repeats:
            if start + length - 1 == index:  # republished right after the batch's end
                stream.extend(envelopes[max(0, start):index + 1])
    found = []
    for offset, envelope in enumerate(stream):
        key, value, headers = envelope.to_kafka()
        found.append(ConsumerRecord(TOPIC, 0, offset, 0, 0, key, value, None, len(key),
                                    len(value), headers))
    return found


async def consume(pool: asyncpg.Pool, stream: list[ConsumerRecord[bytes, bytes]],
                  steps: list[Step]) -> None:
    async def nowhere(key: bytes | None, value: bytes | None,
                      headers: Headers) -> asyncio.Future[None]:
        raise AssertionError("the history has no poison message")

    committed, turn = 0, 0
    consumer = metrics_consumer(pool=pool, bootstrap_servers="unused", topics=[TOPIC],
                                group_id="unused", dead_letter=nowhere)
    while committed < len(stream):
        size, killed = steps[turn % len(steps)] if steps else (len(stream), False)
        turn += 1
        batch = stream[committed:committed + size]
        await consumer.process(batch)
        if killed and turn < 50:  # the offsets were not committed: read again from there
            consumer = metrics_consumer(pool=pool, bootstrap_servers="unused",
                                        topics=[TOPIC], group_id="unused",
                                        dead_letter=nowhere)
            continue
        committed += len(batch)


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.integers(1, 15), st.booleans()), min_size=1,
                      max_size=12),
       repeats=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=4))
def test_incremental_facts_always_equal_a_rebuild(infrastructure: Infrastructure,
                                                  steps: list[Step],
                                                  repeats: list[tuple[int, int]]) -> None:
    async def check() -> None:
        pool = await create_pool(await new_database(infrastructure))
        rebuilt = await facts_of(await new_database(infrastructure), fixed_history())
        try:
            await migrate(pool)
            await consume(pool, records(repeats), steps)
            assert await fact_rows(pool) == await fact_rows(rebuilt)
            kept, derived = await kept_and_derived_units(pool)
            assert kept == derived
        finally:
            await pool.close()
            await rebuilt.close()

    asyncio.run(check())
