"""The metrics projection on the real broker: exactly once, replayable, dead letters.

The fixed history of tests/metrics travels through real topics into the
metrics consumer; the indicators must be those of the history projected
directly (whose values the tests in tests/metrics check by hand).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import REGISTRY

from services.metrics.consumer import metrics_consumer
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.population import PopulationRow, import_population
from shared.envelope import Headers
from shared.projection import ProjectionConsumer
from shared.topics import Topics
from tests.metrics.history import POPULATION, History, fixed_history
from tests.metrics.support import (
    ask,
    every_indicator,
    fact_rows,
    facts_of,
    kept_and_derived_units,
)
from tests.support import Infrastructure, eventually, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Killed(Exception):
    """The consumer process dies here."""


async def publish(infrastructure: Infrastructure, topics: Topics, history: History) -> None:
    """The history on its topics, keyed by aggregate id, in recorded order."""
    await publish_events(infrastructure, topics, list(history.in_recorded_order()))


class Projection:
    """A metrics consumer on its own database and consumer group."""

    def __init__(self, pool: asyncpg.Pool, infrastructure: Infrastructure,
                 topics: Topics) -> None:
        self.pool, self.infrastructure, self.topics = pool, infrastructure, topics
        self.group = f"metrics-{uuid.uuid4().hex[:8]}"
        self.dead: list[Headers] = []

    def consumer(self) -> ProjectionConsumer:
        async def dead_letter(key: bytes | None, value: bytes | None,
                              headers: Headers) -> asyncio.Future[None]:
            self.dead.append(headers)
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done

        return metrics_consumer(pool=self.pool,
                                bootstrap_servers=self.infrastructure.bootstrap_servers,
                                topics=[self.topics.agreements, self.topics.cases],
                                group_id=self.group, dead_letter=dead_letter, batch_size=20,
                                timing=self.infrastructure.group_timing)

    def duplicates_skipped(self) -> float:
        return sum(REGISTRY.get_sample_value("wirkung_projection_duplicates_skipped_total",
                                             {"consumer": "metrics", "topic": topic}) or 0.0
                   for topic in (self.topics.agreements, self.topics.cases))

    async def applied(self) -> int:
        total = await self.pool.fetchval("SELECT coalesce(sum(version), 0) FROM applied_versions")
        return int(total)

    async def run_until_applied(self, events: int, skipped: float | None = None) -> None:
        """Run a consumer until `events` are applied and, if given, `skipped` redeliveries."""
        task = asyncio.create_task(self.consumer().run())
        try:
            async def done() -> bool:
                if task.done():
                    task.result()
                return await self.applied() >= events and (
                    skipped is None or self.duplicates_skipped() >= skipped)
            await eventually(done, within=60)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def reset_group_to_earliest(self) -> None:
        """Join the group as its only member and commit offset 0 on every partition."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.infrastructure.bootstrap_servers,
                                    group_id=self.group, enable_auto_commit=False,
                                    **self.infrastructure.group_timing.consumer_options())
        consumer.subscribe([self.topics.agreements, self.topics.cases])
        await consumer.start()
        try:
            async def assigned() -> set[TopicPartition]:
                await consumer.getmany(timeout_ms=200)
                return set(consumer.assignment())
            partitions = await eventually(assigned, within=30)
            await consumer.commit({tp: OffsetAndMetadata(0, "") for tp in partitions})
        finally:
            await consumer.stop()


@pytest.fixture
async def projection(infrastructure: Infrastructure, topics: Topics,
                     ) -> AsyncIterator[Projection]:
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection:
        await import_population(connection, [PopulationRow(*row) for row in POPULATION],
                                source="Einwohnerregister (Test)", imported_by="cm-1")
    yield Projection(pool, infrastructure, topics)
    await pool.close()


@pytest.fixture(scope="module")
async def expected(infrastructure: Infrastructure) -> AsyncIterator[dict[str, Any]]:
    pool = await facts_of(await new_database(infrastructure), fixed_history())
    yield await every_indicator(pool)
    await pool.close()


async def test_the_history_through_the_broker_gives_the_hand_computed_indicators(
        projection: Projection, infrastructure: Infrastructure, topics: Topics,
        expected: dict[str, Any]) -> None:
    history = fixed_history()
    await publish(infrastructure, topics, history)

    await projection.run_until_applied(len(history.envelopes))

    planned = await ask(projection.pool, "planned_closure_rate")
    assert (planned[()].numerator, planned[()].denominator) == (2, 3)
    assert await every_indicator(projection.pool) == expected


async def test_replaying_both_topics_from_the_earliest_offset_changes_no_indicator(
        projection: Projection, infrastructure: Infrastructure, topics: Topics,
        expected: dict[str, Any]) -> None:
    history = fixed_history()
    await publish(infrastructure, topics, history)
    await projection.run_until_applied(len(history.envelopes))
    facts = await fact_rows(projection.pool)

    skipped = projection.duplicates_skipped()

    await projection.reset_group_to_earliest()
    await projection.run_until_applied(len(history.envelopes),
                                       skipped=skipped + len(history.envelopes))

    assert await fact_rows(projection.pool) == facts
    kept, derived = await kept_and_derived_units(projection.pool)
    assert kept["case_units"]
    assert kept["agreement_units"]
    assert kept == derived
    assert await every_indicator(projection.pool) == expected


async def test_a_consumer_killed_between_database_and_offset_commit_double_counts_nothing(
        projection: Projection, infrastructure: Infrastructure, topics: Topics,
        expected: dict[str, Any]) -> None:
    history = fixed_history()
    await publish(infrastructure, topics, history)
    crashing = projection.consumer()

    async def crash_before_commit(records: Any) -> None:
        raise Killed("between the database commit and the offset commit")

    crashing._commit = crash_before_commit  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await asyncio.wait_for(crashing.run(), 60)
    assert await projection.applied() > 0  # a batch reached the database
    skipped = projection.duplicates_skipped()

    await projection.run_until_applied(len(history.envelopes), skipped=skipped + 1)

    assert await every_indicator(projection.pool) == expected



async def test_two_consumers_in_one_group_share_the_partitions_and_give_the_facts_of_one(
        projection: Projection, infrastructure: Infrastructure, topics: Topics,
        expected: dict[str, Any]) -> None:
    """Scale-out: a second member joins mid-way and the first leaves mid-way (two rebalances);
    the facts are those of the history projected in one go, each event counted once."""
    history = fixed_history()
    events = list(history.in_recorded_order())
    thirds = (events[:20], events[20:42], events[42:])
    reference = await facts_of(await new_database(infrastructure), history)
    applied_by: dict[str, int] = {"first": 0, "second": 0}

    def member(name: str) -> ProjectionConsumer:
        async def count(connection: Any, applied: int) -> None:
            applied_by[name] += applied

        return metrics_consumer(
            pool=projection.pool, bootstrap_servers=infrastructure.bootstrap_servers,
            topics=[topics.agreements, topics.cases], group_id=projection.group,
            dead_letter=projection.consumer().dead_letter, after_batch=count, batch_size=5,
            timing=infrastructure.group_timing)

    first, second = member("first"), member("second")
    running = [asyncio.create_task(first.run())]
    try:
        await publish_events(infrastructure, topics, thirds[0])
        await eventually(lambda: _applied(projection, len(thirds[0])), within=60)
        running.append(asyncio.create_task(second.run()))
        await eventually(lambda: _shared(first, second), within=60)  # the first rebalance
        await publish_events(infrastructure, topics, thirds[1])
        await eventually(lambda: _applied(projection, len(thirds[0]) + len(thirds[1])),
                         within=60)
        running[0].cancel()  # the first member leaves: the second takes every partition
        await asyncio.gather(running[0], return_exceptions=True)
        await publish_events(infrastructure, topics, thirds[2])
        await eventually(lambda: _applied(projection, len(events)), within=60)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    assert applied_by["first"] > 0
    assert applied_by["second"] > 0
    assert await fact_rows(projection.pool) == await fact_rows(reference)
    kept, derived = await kept_and_derived_units(projection.pool)
    assert kept["case_units"]
    assert kept["agreement_units"]
    assert kept == derived
    assert await every_indicator(projection.pool) == expected
    assert projection.dead == []
    await reference.close()


async def publish_events(infrastructure: Infrastructure, topics: Topics,
                         events: list[tuple[str, Any]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    try:
        for kind, envelope in events:
            key, value, headers = envelope.to_kafka()
            topic = topics.agreements if kind == "agreements" else topics.cases
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def _applied(projection: Projection, events: int) -> bool:
    # applied_versions sums each aggregate's last version: every event once, in order
    return await projection.applied() >= events


async def _shared(*members: ProjectionConsumer) -> bool:
    """Each member holds some partitions, and no partition is held twice."""
    held = [set(m.consumer.assignment()) if m.consumer is not None else set() for m in members]
    return all(held) and not set.intersection(*held)
