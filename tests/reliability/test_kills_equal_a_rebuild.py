"""A relay that republished a batch and a consumer killed before its offset commit:
the indicators still equal a rebuild from the history."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from services.metrics.facts.schema import create_pool, migrate
from services.metrics.population import PopulationRow, import_population
from shared.topics import Topics
from tests.integration.test_metrics_consumer import Projection, publish
from tests.metrics.history import POPULATION, fixed_history
from tests.metrics.support import every_indicator, fact_rows, facts_of, kept_and_derived_units
from tests.support import Infrastructure, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Killed(Exception):
    """The consumer process dies here."""


async def test_duplicates_and_a_killed_consumer_leave_the_indicators_of_a_rebuild(
        infrastructure: Infrastructure, topics: Topics) -> None:
    history = fixed_history()
    await publish(infrastructure, topics, history)
    # The relay died after the broker's ack, before recording its position:
    # on restart it publishes that batch again.
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    republished = list(history.in_recorded_order())[: len(history.envelopes) // 2]
    for kind, envelope in republished:
        key, value, headers = envelope.to_kafka()
        topic = topics.agreements if kind == "agreements" else topics.cases
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    await producer.stop()
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection:
        await import_population(connection, [PopulationRow(*row) for row in POPULATION],
                                source="Einwohnerregister (Test)", imported_by="cm-1")
    projection = Projection(pool, infrastructure, topics)
    crashing = projection.consumer()

    async def crash_before_commit(records: Any) -> None:
        raise Killed("between the database commit and the offset commit")

    crashing._commit = crash_before_commit  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await asyncio.wait_for(crashing.run(), 60)
    await projection.run_until_applied(len(history.envelopes),
                                       skipped=projection.duplicates_skipped() + 1)

    rebuilt = await facts_of(await new_database(infrastructure), fixed_history())
    try:
        assert await fact_rows(pool) == await fact_rows(rebuilt)
        kept, derived = await kept_and_derived_units(pool)
        assert kept["case_units"]
        assert kept["agreement_units"]
        assert kept == derived
        assert await every_indicator(pool) == await every_indicator(rebuilt)
    finally:
        await rebuilt.close()
        await pool.close()
