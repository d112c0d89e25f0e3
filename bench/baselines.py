"""The two baselines: a raw aiokafka drain, and FastStream's per-message default."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts import contract_for
from shared.envelope import Envelope
from shared.topics import Topics

# The naive projection's one table: each event as a row, its contract as JSON.
NAIVE_TABLE = """CREATE TABLE IF NOT EXISTS naive_events (
    subject text NOT NULL, version integer NOT NULL, type text NOT NULL,
    recorded_at timestamptz NOT NULL, data jsonb NOT NULL)"""


async def raw_drain(bootstrap_servers: str, topics: Topics, total: int) -> float:
    """(a) Events/s reading both topics with aiokafka and decoding each body's JSON."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                fetch_max_bytes=16 * 1024 * 1024,
                                max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for topic in (topics.agreements, topics.cases)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        read, started = 0, 0.0
        while read < total:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            if batches and not started:
                started = time.perf_counter()
            for records in batches.values():
                for record in records:
                    json.loads(record.value or b"")
                read += len(records)
        return total / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def faststream_per_message(bootstrap_servers: str, topics: Topics, total: int,
                                 database_url: str, limit_seconds: float) -> float:
    """(b) Events/s of a FastStream subscriber with default settings, one INSERT per event.

    A naive projection: each message decoded as the metrics service decodes it
    (the envelope, then the contract's validation) and written as one row, its
    contract as JSON. Default settings except reading from the earliest offset;
    stopped after `limit_seconds` if it has not read everything by then.
    """
    from faststream.kafka import KafkaBroker, KafkaMessage

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
    await pool.execute(NAIVE_TABLE)
    broker = KafkaBroker(bootstrap_servers, logger=None)
    handled, started = 0, 0.0

    @broker.subscriber(topics.agreements, topics.cases, group_id=f"fs-{uuid.uuid4().hex[:8]}",
                       auto_offset_reset="earliest")
    async def handle(message: KafkaMessage) -> None:
        nonlocal handled, started
        if not started:
            started = time.perf_counter()
        record = message.raw_message
        assert not isinstance(record, tuple)  # one message, not a batch
        envelope = Envelope.from_kafka(record.headers, record.value)
        event = contract_for(envelope.type).model_validate(envelope.data)
        await pool.execute(
            "INSERT INTO naive_events (subject, version, type, recorded_at, data) "
            "VALUES ($1, $2, $3, $4, $5)", envelope.subject, envelope.aggregate_version,
            envelope.type, envelope.time, event.model_dump_json())
        handled += 1

    await broker.start()
    try:
        deadline = time.monotonic() + limit_seconds + 30  # the group join comes first
        while handled < total and time.monotonic() < deadline:
            if started and time.perf_counter() - started > limit_seconds:
                break
            await asyncio.sleep(0.2)
        return handled / (time.perf_counter() - started) if started else 0.0
    finally:
        await broker.stop()
        await pool.close()
