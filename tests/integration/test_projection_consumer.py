"""The exactly-once projection consumer on the real broker and PostgreSQL.

A small projection of our own (one table recording the order of application)
stands in for the metrics facts, so each failure mode can be provoked exactly.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared.envelope import Envelope, EnvelopeError, Headers
from shared.projection import TRACKING_TABLES, Connection, ProjectionConsumer
from shared.topics import Topics
from tests.support import Infrastructure, eventually, read_topic

pytestmark = pytest.mark.integration


class Killed(Exception):
    """The consumer process dies here."""


def parse(envelope: Envelope) -> dict[str, Any]:
    if envelope.type != "de.wirkung.tests.Ticked.v1":
        raise LookupError(f"unknown event type {envelope.type}")
    return dict(envelope.data)


async def project(connection: Connection, envelope: Envelope, event: dict[str, Any]) -> None:
    await connection.execute("INSERT INTO ticks (subject, version, n) VALUES ($1, $2, $3)",
                             envelope.subject, envelope.aggregate_version, event["n"])


def tick(subject: str, version: int) -> tuple[bytes, bytes, Headers]:
    return Envelope(type="de.wirkung.tests.Ticked.v1", source="/wirkung/tests",
                    subject=subject, time=datetime.now(UTC), data={"n": version},
                    aggregate_version=version).to_kafka()


class Harness:
    def __init__(self, pool: asyncpg.Pool, infrastructure: Infrastructure,
                 topics: Topics) -> None:
        self.pool, self.infrastructure, self.topics = pool, infrastructure, topics
        self.group = f"g-{uuid.uuid4().hex[:8]}"
        self.dead: list[tuple[bytes | None, bytes | None, Headers]] = []

    async def send(self, *messages: tuple[bytes, bytes, Headers]) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.infrastructure.bootstrap_servers)
        await producer.start()
        try:
            for key, value, headers in messages:
                await producer.send_and_wait(self.topics.cases, value, key=key,
                                             headers=headers, partition=0)
        finally:
            await producer.stop()

    def consumer(self) -> ProjectionConsumer:
        async def dead_letter(key: bytes | None, value: bytes | None,
                              headers: Headers) -> asyncio.Future[None]:
            self.dead.append((key, value, headers))
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done

        return ProjectionConsumer(
            name="test", pool=self.pool, bootstrap_servers=self.infrastructure.bootstrap_servers,
            topics=[self.topics.cases], group_id=self.group, parse=parse, project=project,
            dead_letter=dead_letter, batch_size=50, timing=self.infrastructure.group_timing)

    async def ticks(self) -> list[tuple[str, int]]:
        rows = await self.pool.fetch("SELECT subject, version FROM ticks ORDER BY id")
        return [(row["subject"], row["version"]) for row in rows]

    async def run_until(self, count: int) -> list[tuple[str, int]]:
        task = asyncio.create_task(self.consumer().run())
        try:
            async def enough() -> list[tuple[str, int]] | None:
                ticks = await self.ticks()
                return ticks if len(ticks) >= count else None
            return await eventually(enough, within=30)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task


@pytest.fixture
async def harness(database_url: str, infrastructure: Infrastructure,
                  topics: Topics) -> AsyncIterator[Harness]:
    pool = await asyncpg.create_pool(database_url)
    for statement in (*TRACKING_TABLES, "CREATE TABLE ticks (id serial, subject text, "
                      "version int, n int)"):
        await pool.execute(statement)
    yield Harness(pool, infrastructure, topics)
    await pool.close()


async def test_a_redelivered_event_is_applied_once(harness: Harness) -> None:
    await harness.send(tick("a", 1), tick("a", 1), tick("a", 2), tick("a", 2))

    ticks = await harness.run_until(2)
    await asyncio.sleep(1.0)

    assert await harness.ticks() == [("a", 1), ("a", 2)] == ticks


async def test_an_event_ahead_of_its_predecessor_is_held_and_applied_in_order(
        harness: Harness) -> None:
    await harness.send(tick("b", 2), tick("b", 3), tick("c", 1), tick("b", 1))

    await harness.run_until(4)

    assert [t for t in await harness.ticks() if t[0] == "b"] == [("b", 1), ("b", 2), ("b", 3)]


async def test_malformed_and_unknown_messages_go_to_the_dead_letter_topic(
        harness: Harness) -> None:
    key, value, headers = tick("d", 1)
    unknown = [(n, v.replace(b"Ticked", b"Tocked") if n == "ce_type" else v)
               for n, v in headers]
    await harness.send((b"d", b"{not json", headers), (key, value, unknown), tick("e", 1))

    assert await harness.run_until(1) == [("e", 1)]

    assert len(harness.dead) == 2
    errors = [dict(h)["dlq_error_class"] for _, _, h in harness.dead]
    assert errors == [EnvelopeError.__name__.encode(), b"LookupError"]
    origin = dict(harness.dead[0][2])
    assert origin["dlq_origin_topic"] == harness.topics.cases.encode()
    assert origin["dlq_origin_partition"] == b"0"
    assert origin["dlq_origin_offset"] == b"0"


async def test_a_consumer_killed_before_its_offset_commit_double_counts_nothing(
        harness: Harness) -> None:
    await harness.send(*(tick(f"s{n}", 1) for n in range(10)))
    crashing = harness.consumer()

    async def crash_before_commit(records: Any) -> None:
        raise Killed("between the database commit and the offset commit")

    crashing._commit = crash_before_commit  # type: ignore[method-assign]
    task = asyncio.create_task(crashing.run())
    with pytest.raises(Killed):
        await asyncio.wait_for(task, 30)
    assert len(await harness.ticks()) == 10  # the batch was committed to the database

    await harness.send(tick("s0", 2))
    await harness.run_until(11)  # the restarted consumer re-reads everything

    assert len(await harness.ticks()) == 11
    assert sorted(await harness.ticks())[:2] == [("s0", 1), ("s0", 2)]


async def test_the_dead_letter_topic_gets_the_message_with_its_origin(
        infrastructure: Infrastructure, topics: Topics) -> None:
    # The real dead-letter path of the metrics service publishes to <prefix>.metrics.dlq.
    from services.metrics.main import create_app
    from services.metrics.settings import MetricsSettings
    from tests.support import new_database, serving, settings_for

    settings = settings_for(MetricsSettings, database_url=await new_database(infrastructure),
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret="s" * 40, consumer_group=f"m-{uuid.uuid4().hex[:6]}")
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    await producer.send_and_wait(topics.cases, b"garbage", key=b"k",
                                 headers=[("ce_type", b"x")])
    await producer.stop()

    async with serving(create_app(settings)):
        records = await read_topic(infrastructure.bootstrap_servers, topics.metrics_dlq,
                                   expected=1, within=30)

    # At least once: a consumer restarted between the send and its offset commit (a rebalance
    # refusing the commit, say) sends the record again; its origin names it as the same one.
    assert {record.value for record in records} == {b"garbage"}
    origins = {tuple(value for name, value in record.headers if name.startswith("dlq_origin"))
               for record in records}
    assert len(origins) == 1
    headers = dict(records[0].headers)
    assert headers["dlq_origin_topic"] == topics.cases.encode()
    assert headers["dlq_error_class"] == b"EnvelopeError"
