"""The embedded stack starts what the environment does not provide, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.embedded import EmbeddedStack
from shared.embedded.process import free_port, port_is_open
from shared.topics import Topics
from tests.support import Infrastructure

pytestmark = pytest.mark.integration


def test_external_servers_from_the_environment_start_nothing(
        infrastructure: Infrastructure, tmp_path: Path) -> None:
    prefix = "external-check"
    environ = {
        "WIRKUNG_AGREEMENTS_DATABASE_URL": infrastructure.database_url("a"),
        "WIRKUNG_CASES_DATABASE_URL": infrastructure.database_url("c"),
        "WIRKUNG_METRICS_DATABASE_URL": infrastructure.database_url("m"),
        "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
        "WIRKUNG_TOPIC_PREFIX": prefix,
    }
    stack = EmbeddedStack(tmp_path, environ=environ)

    addresses = stack.start()
    try:
        assert stack.postgres is None
        assert stack.broker is None
        assert addresses.database_urls["cases"] == infrastructure.database_url("c")
        assert addresses.as_environment()["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
        assert not (tmp_path / "postgres").exists()
    finally:
        stack.stop()


async def test_the_topics_are_created_on_the_external_broker(
        infrastructure: Infrastructure, tmp_path: Path) -> None:
    import asyncio

    prefix = "external-topics"
    environ = {"KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
               "WIRKUNG_TOPIC_PREFIX": prefix,
               **{f"WIRKUNG_{name}_DATABASE_URL": infrastructure.database_url("x")
                  for name in ("AGREEMENTS", "CASES", "METRICS")}}
    await asyncio.to_thread(EmbeddedStack(tmp_path, environ=environ).start)

    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.bootstrap_servers)
    await admin.start()
    try:
        assert set(Topics(prefix).all()) <= set(await admin.list_topics())
    finally:
        await admin.close()


def test_the_embedded_stack_starts_and_stops_both_servers(tmp_path: Path) -> None:
    postgres_port, broker_port = free_port(), free_port()
    stack = EmbeddedStack(tmp_path, postgres_port=postgres_port, broker_port=broker_port,
                          environ={}, fsync=False)

    with stack as addresses:
        assert port_is_open("127.0.0.1", postgres_port)
        assert port_is_open("127.0.0.1", broker_port)
        assert stack.postgres is not None
        names = stack.postgres.psql("SELECT datname FROM pg_database").split()
        assert {"wirkung_agreements", "wirkung_cases", "wirkung_metrics"} <= set(names)
        assert addresses.as_environment()["KAFKA_ENABLE_IDEMPOTENCE"] == "false"

    assert not port_is_open("127.0.0.1", postgres_port)
    assert not port_is_open("127.0.0.1", broker_port)
