"""Helpers the tests share: running a service in-process, reading topics."""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI

from shared.embedded import EmbeddedBroker, EmbeddedPostgres
from shared.embedded.stack import create_topics
from shared.settings import DEFAULT_GROUP_TIMING, GroupTiming, ServiceSettings
from shared.topics import Topics

T = TypeVar("T")
S = TypeVar("S", bound=ServiceSettings)

# The cases service's key-encryption key in the tests (base64 of 32 random bytes).
TEST_KEY_ENCRYPTION_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
# The metrics service's cell-key secret in the tests: a fixed one, so figures repeat.
TEST_CELL_KEY_SECRET = "tests-cell-key-secret-0001"
# Consumer groups on the development broker: it holds each join for half the session
# timeout (5 s at the default), and a member killed without leaving holds up the next
# rebalance until its session times out. A shorter session makes both shorter; the tests
# prove the same of the groups, sooner. Not shorter than 6 s: on a loaded machine (the
# suite on two cores) a 3 s session dropped members whose heartbeats came late.
DEVELOPMENT_BROKER_TIMING = GroupTiming(session_timeout_ms=6_000, heartbeat_interval_ms=1_000)


@dataclass
class Infrastructure:
    """The real servers the tests talk to."""

    admin_database_url: str
    bootstrap_servers: str
    postgres: EmbeddedPostgres | None
    broker: EmbeddedBroker | None
    home: Path
    # How consumer group members in the tests keep their place (see DEVELOPMENT_BROKER_TIMING).
    group_timing: GroupTiming = DEFAULT_GROUP_TIMING

    def database_url(self, name: str) -> str:
        base, _, _ = self.admin_database_url.rpartition("/")
        return f"{base}/{name}"

    def group_timing_environment(self) -> dict[str, str]:
        """The group timing as the services read it from their environment."""
        return {"KAFKA_SESSION_TIMEOUT_MS": str(self.group_timing.session_timeout_ms),
                "KAFKA_HEARTBEAT_INTERVAL_MS": str(self.group_timing.heartbeat_interval_ms)}


@dataclass(frozen=True)
class Tokens:
    contract_manager: str
    caseworker: str
    other_caseworker: str
    auditor: str
    data_protection_officer: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it over ASGI."""
    async with app.router.lifespan_context(app):
        # As a real client: an unhandled error is a 500 response, not an exception here.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 30.0,
                     interval: float = 0.2) -> T:
    """Poll `probe` until it returns something truthy; fail after `within` seconds."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


async def read_topic(bootstrap_servers: str, topic: str, *, expected: int,
                     within: float = 20.0) -> list[ConsumerRecord[bytes, bytes]]:
    """All messages of a topic (partitions assigned by hand), once `expected` have arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or {0}
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        await consumer.seek_to_beginning()
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + within
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for part in batch.values():
                records.extend(part)
        # Anything beyond `expected` that is already there counts too.
        batch = await consumer.getmany(timeout_ms=300)
        for part in batch.values():
            records.extend(part)
        return records
    finally:
        await consumer.stop()


def settings_for(settings_class: type[S], *, database_url: str, infrastructure: Infrastructure,
                 topic_prefix: str, secret: str, **extra: Any) -> S:
    """Settings pointing a service at the test's database, broker and topics (and the
    cases service at the tests' key-encryption key, the metrics service at their cell-key
    secret, unless given others)."""
    if "key_encryption_key" in settings_class.model_fields:
        extra.setdefault("key_encryption_key", TEST_KEY_ENCRYPTION_KEY)
    if "cell_key_secret" in settings_class.model_fields:
        extra.setdefault("cell_key_secret", TEST_CELL_KEY_SECRET)
    extra.setdefault("kafka_session_timeout_ms", infrastructure.group_timing.session_timeout_ms)
    extra.setdefault("kafka_heartbeat_interval_ms",
                     infrastructure.group_timing.heartbeat_interval_ms)
    return settings_class(
        database_url=database_url, kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        topic_prefix=topic_prefix, auth_secret=secret, kafka_enable_idempotence=False, **extra,
    )


async def settings_on_own_database(settings_class: type[S], *, infrastructure: Infrastructure,
                                   topics: Topics, secret: str, **extra: Any) -> S:
    """`settings_for` a service of a system sharing `topics`, on a new database of its own."""
    return settings_for(settings_class, database_url=await new_database(infrastructure),
                        infrastructure=infrastructure, topic_prefix=topics.prefix,
                        secret=secret, **extra)


class KafkaTestPublisher:
    """Our relay's Publisher interface on a plain aiokafka producer (a real broker)."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        from aiokafka import AIOKafkaProducer

        self.topic = topic
        self.producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers,
                                         enable_idempotence=False, acks="all")

    async def __aenter__(self) -> KafkaTestPublisher:
        await self.producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.producer.stop()

    async def __call__(self, key: bytes, value: bytes,
                       headers: list[tuple[str, bytes]]) -> Awaitable[object]:
        future: Awaitable[object] = await self.producer.send(self.topic, value, key=key,
                                                              headers=headers)
        return future


async def new_database(infrastructure: Infrastructure) -> str:
    """Create a fresh, empty database; its URL."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(infrastructure.admin_database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return infrastructure.database_url(name)


async def new_topics(infrastructure: Infrastructure) -> Topics:
    """Topics of their own (a fresh prefix), created on the broker."""
    fresh = Topics(prefix=f"test-{uuid.uuid4().hex[:10]}")
    await create_topics(infrastructure.bootstrap_servers, fresh.all(), partitions=3,
                        durable=fresh.durable())
    return fresh


def new_database_sync(infrastructure: Infrastructure) -> str:
    """`new_database` for synchronous fixtures."""
    return asyncio.run(new_database(infrastructure))


def new_topics_sync(infrastructure: Infrastructure) -> Topics:
    return asyncio.run(new_topics(infrastructure))
