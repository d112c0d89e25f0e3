"""FastStream's Kafka router, set up from the settings, and a relay publisher on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka.fastapi import KafkaRouter

from shared.envelope import Headers
from shared.relay import Publisher
from shared.settings import ServiceSettings


def kafka_router(settings: ServiceSettings, *, lifespan: Any = None) -> KafkaRouter:
    """The service's FastStream router; it serves the AsyncAPI document at /asyncapi."""
    return KafkaRouter(
        settings.kafka_bootstrap_servers,
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        linger_ms=5,
        lifespan=lifespan,
        schema_url="/asyncapi",
        include_in_schema=True,
        setup_state=False,
        client_id="wirkung",
    )


def relay_publisher(router: KafkaRouter, topic: str, description: str) -> Publisher:
    """Publishes pre-encoded CloudEvents on `topic`; the result is the broker's ack."""
    publisher = router.publisher(topic, title=topic, description=description)

    async def publish(key: bytes, value: bytes, headers: Headers) -> Awaitable[Any]:
        header_map = {name: raw.decode() for name, raw in headers}
        future: Awaitable[Any] = await publisher.publish(
            value, key=key, headers=header_map,
            correlation_id=header_map.get("ce_correlationid") or header_map["ce_id"],
            no_confirm=True,
        )
        return future

    return publish


def topic_emptiness(bootstrap_servers: str, topic: str) -> Callable[[], Awaitable[bool]]:
    """A check whether nothing was ever written to `topic` (all end offsets are 0)."""

    async def is_empty() -> bool:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers,
                                    enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                await consumer._client.force_metadata_update()
                partitions = consumer.partitions_for_topic(topic) or set()
            ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
            return bool(sum(ends.values()) == 0)
        finally:
            await consumer.stop()

    return is_empty
