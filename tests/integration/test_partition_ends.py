"""Where a partition ends, on the real broker, when its records came in batches."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition

from shared.offsets import partition_ends
from shared.topics import Topics
from tests.support import Infrastructure

pytestmark = pytest.mark.integration


async def write(bootstrap_servers: str, topic: str, partition: int,
                batches: list[int]) -> list[int]:
    """Each batch's records sent together (one produce request); the offsets written."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=50)
    await producer.start()
    try:
        offsets = []
        for size in batches:
            sent = [await producer.send(topic, b"x" * 100, partition=partition)
                    for _ in range(size)]
            offsets += [metadata.offset for metadata in await asyncio.gather(*sent)]
        return offsets
    finally:
        await producer.stop()


async def test_a_partition_ends_after_its_last_record_however_the_records_were_batched(
        infrastructure: Infrastructure, topics: Topics) -> None:
    servers, topic = infrastructure.bootstrap_servers, topics.cases
    batched = await write(servers, topic, 0, [3, 1, 40])
    single = await write(servers, topic, 1, [1, 1, 1])

    ends = await partition_ends(servers, [TopicPartition(topic, p) for p in range(3)])

    assert batched == list(range(44))
    assert single == [0, 1, 2]
    assert ends == {TopicPartition(topic, 0): 44, TopicPartition(topic, 1): 3,
                    TopicPartition(topic, 2): 0}


async def test_a_partition_that_never_answers_is_given_up_after_the_time_allowed(
        infrastructure: Infrastructure, topics: Topics) -> None:
    servers = infrastructure.bootstrap_servers
    await write(servers, topics.cases, 0, [2])
    missing = TopicPartition(topics.cases, 99)  # the topic has three: no fetch is answered

    with pytest.raises(TimeoutError, match="no end found within 3s"):
        await partition_ends(servers, [missing], within=3)
