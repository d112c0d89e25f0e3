"""FastStream's Kafka router, set up from the settings, and a relay publisher on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka.fastapi import KafkaRouter

from shared.audit.checkpoint import Checkpoint
from shared.envelope import Headers
from shared.relay import Publisher
from shared.settings import ServiceSettings


def kafka_router(settings: ServiceSettings, *, lifespan: Any = None) -> KafkaRouter:
    """The service's FastStream router (the AsyncAPI document is `shared.asyncapi`'s: FastStream
    knows only the channels, not the contracts on them)."""
    return KafkaRouter(
        settings.kafka_bootstrap_servers,
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        linger_ms=5,
        lifespan=lifespan,
        schema_url=None,
        include_in_schema=False,
        setup_state=False,
        client_id="wirkung",
    )


def relay_publisher(router: KafkaRouter, topic: str, description: str) -> Publisher:
    """Publishes pre-encoded CloudEvents on `topic`; the result is the broker's ack.

    The publisher is declared on the FastStream router, but messages go straight
    to the router's aiokafka producer: FastStream's per-message publish path costs
    more than the rest of the relay together, and the envelope is complete already.
    """
    publisher = router.publisher(topic, title=topic, description=description)

    async def publish(key: bytes, value: bytes, headers: Headers) -> Awaitable[Any]:
        producer = _aiokafka_producer(router)
        if producer is not None:
            future: Awaitable[Any] = await producer.send(topic, value, key=key,
                                                         headers=headers)
            return future
        header_map = {name: raw.decode() for name, raw in headers}
        fallback: Awaitable[Any] = await publisher.publish(
            value, key=key, headers=header_map,
            correlation_id=header_map.get("ce_correlationid") or header_map["ce_id"],
            no_confirm=True)
        return fallback

    return publish


def _aiokafka_producer(router: KafkaRouter) -> Any:
    """The aiokafka producer under the router's FastStream broker, once it is connected."""
    state = getattr(getattr(router.broker.config, "producer", None), "_producer", None)
    return getattr(state, "producer", None) if state else None


def topic_ends(bootstrap_servers: str, topic: str) -> Callable[[], Awaitable[dict[int, int]]]:
    """Per partition of `topic`, the offset after its last record, read exactly (see
    `shared.offsets`): empty if the topic is gone, all 0 if nothing is on it."""

    async def ends() -> dict[int, int]:
        from aiokafka import TopicPartition
        from aiokafka.client import AIOKafkaClient

        from shared.offsets import partition_ends

        # A client, not a consumer: a consumer stopped right after its start can raise
        # the CancelledError of its own unstarted coordinator task (aiokafka 0.12).
        client = AIOKafkaClient(bootstrap_servers=bootstrap_servers)
        await client.bootstrap()
        try:
            await client.force_metadata_update()
            partitions = client.cluster.partitions_for_topic(topic) or set()
        finally:
            await client.close()
        found = await partition_ends(bootstrap_servers,
                                     [TopicPartition(topic, p) for p in partitions])
        return {tp.partition: end for tp, end in found.items()}

    return ends


def checkpoint_publisher(router: KafkaRouter, service: str,
                         topic: str) -> Callable[[Checkpoint], Awaitable[Any]]:
    """Publishes a service's signed audit checkpoints, out of its database's reach."""
    from shared.contracts.audit import AuditCheckpointSigned
    from shared.envelope import Envelope

    publisher = router.publisher(topic, title=topic,
                                 description="Signed checkpoints of the services' event chains.")

    async def publish(checkpoint: Checkpoint) -> Any:
        contract = AuditCheckpointSigned(
            chain_of=service, position=checkpoint.position,
            chain_hash=checkpoint.chain_hash.hex(), signed_at=checkpoint.signed_at,
            signature=checkpoint.signature.hex(), occurred_on=checkpoint.signed_at.date(),
            actor=f"{service}-audit")
        key, value, headers = Envelope(
            type=contract.ce_type(), source=f"/wirkung/{service}", subject=service,
            time=checkpoint.signed_at, data=contract.model_dump(mode="json"),
            aggregate_version=checkpoint.position).to_kafka()
        return await publisher.publish(value, key=key, headers={
            name: raw.decode() for name, raw in headers})

    return publish
