"""Helpers the tests share: running a service in-process, reading topics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI

from shared.embedded import EmbeddedBroker, EmbeddedPostgres
from shared.settings import ServiceSettings

T = TypeVar("T")
S = TypeVar("S", bound=ServiceSettings)


@dataclass
class Infrastructure:
    """The real servers the tests talk to."""

    admin_database_url: str
    bootstrap_servers: str
    postgres: EmbeddedPostgres | None
    broker: EmbeddedBroker | None
    home: Path

    def database_url(self, name: str) -> str:
        base, _, _ = self.admin_database_url.rpartition("/")
        return f"{base}/{name}"


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
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def eventually(probe: Callable[[], Awaitable[T | None]], *, timeout: float = 30.0,
                     interval: float = 0.2) -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


async def read_topic(bootstrap_servers: str, topic: str, *, expected: int,
                     timeout: float = 20.0) -> list[ConsumerRecord[bytes, bytes]]:
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
        deadline = time.monotonic() + timeout
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
                 topic_prefix: str, secret: str, **extra: object) -> S:
    """Settings pointing a service at the test's database, broker and topics."""
    return settings_class(
        database_url=database_url, kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        topic_prefix=topic_prefix, auth_secret=secret, kafka_enable_idempotence=False, **extra,
    )
