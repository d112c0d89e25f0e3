"""The signed checkpoints a service published on the checkpoints topic, read back."""

from __future__ import annotations

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.audit.checkpoint import Checkpoint
from shared.envelope import Envelope
from shared.offsets import partition_ends


async def read_checkpoints(bootstrap: str, topic: str, service: str) -> list[Checkpoint]:
    """Every checkpoint of `service` on `topic`, from its beginning to its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                request_timeout_ms=5000)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await partition_ends(bootstrap, partitions)  # the broker may report less
        found: list[Checkpoint] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    data = Envelope.from_kafka(record.headers, record.value).data
                    if data.get("chain_of") == service:
                        found.append(Checkpoint(
                            service, int(data["position"]), bytes.fromhex(data["chain_hash"]),
                            datetime.fromisoformat(data["signed_at"]),
                            bytes.fromhex(data["signature"])))
        return found
    finally:
        await consumer.stop()
