"""Where partitions end, found by reading them: the development broker reports less.

Asked for a partition's latest offset (a ListOffsets request, aiokafka's
`end_offsets`), Apache Kafka answers the offset after the partition's last
record. The development broker (Tansu) answers the offset after the *first*
record of the last batch written to it: when the last records came in one
batch, as the relay sends them, the partition seems shorter than it is. The
high watermark that comes back with fetched records is exact on both. So the
end is found by reading from just before the reported end until the position
reaches that high watermark: one record on Kafka, the last batch on Tansu.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition


async def partition_ends(bootstrap_servers: str, partitions: Iterable[TopicPartition], *,
                         within: float = 60.0) -> dict[TopicPartition, int]:
    """Per partition, the offset after its last record (where it starts, if it holds none).

    Reads with a consumer of its own: the caller's positions stay where they are.
    Records written meanwhile are counted up to the last high watermark seen. A partition
    that is not read to its end within `within` seconds (a broker that stops answering, a
    partition that is not there) raises TimeoutError instead of holding a replay forever.
    """
    wanted = list(partitions)
    if not wanted:
        return {}
    try:
        async with asyncio.timeout(within):
            return await _read_to_the_ends(bootstrap_servers, wanted)
    except TimeoutError:
        raise TimeoutError(f"no end found within {within:.0f}s for {wanted}") from None


async def _read_to_the_ends(bootstrap_servers: str,
                            wanted: list[TopicPartition]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                fetch_max_wait_ms=100)
    await consumer.start()
    try:
        consumer.assign(wanted)
        reported = await consumer.end_offsets(wanted)
        starts = await consumer.beginning_offsets(wanted)
        ends = {tp: reported[tp] for tp in wanted if reported[tp] <= starts[tp]}
        for tp in wanted:
            if tp not in ends:
                consumer.seek(tp, reported[tp] - 1)  # a record both brokers still hold
        while reading := [tp for tp in wanted if tp not in ends]:
            await consumer.getmany(*reading, timeout_ms=500)
            for tp in reading:
                # No high watermark yet: no fetch of this partition has been answered.
                high = consumer.highwater(tp)
                position = await consumer.position(tp)
                if high is not None and position >= high:
                    ends[tp] = position
        return ends
    finally:
        await consumer.stop()
