"""The replica's consumer: the agreements topic into the cases database, exactly once in effect.

It is one of the service's background tasks; its tables are made by the service's
migrations (`services.cases.migrations`), applied before it starts. A rebuild
empties the replica and sends the consumer group back to the start of the topic;
run it while the cases service is stopped (`rebuild_replica`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import OffsetAndMetadata
from fastapi import FastAPI

from services.cases.migrations import prepare_database
from services.cases.replica.projection import parse, project
from shared.envelope import Headers
from shared.projection import DeadLetterSender, ProjectionConsumer
from shared.projection.consumer import leave_group
from shared.settings import DEFAULT_GROUP_TIMING, GroupTiming
from shared.write_service import Background

# What a rebuild empties: the replica and the record of what it applied.
REBUILT_TABLES = ("replica_agreements", "replica_suspensions", "replica_providers",
                  "applied_versions", "input_positions")


def replica_consumer(*, database_url: str, bootstrap_servers: str, topic: str,
                     group_id: str, timing: GroupTiming = DEFAULT_GROUP_TIMING) -> Background:
    """The background task that keeps the replica in step with `topic`."""

    async def run(app: FastAPI) -> None:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        try:
            consumer = ProjectionConsumer(
                name="cases-replica", pool=pool, bootstrap_servers=bootstrap_servers,
                topics=[topic], group_id=group_id, parse=parse, project=project,
                dead_letter=dead_letters_into(pool), batch_size=500, timing=timing)
            app.state.replica_consumer = consumer
            await consumer.run()
        finally:
            await pool.close()

    return run


def dead_letters_into(pool: asyncpg.Pool) -> DeadLetterSender:
    """Keep what cannot be applied in a table of the cases database."""

    async def send(key: bytes | None, value: bytes | None, headers: Headers) -> Awaitable[Any]:
        await pool.execute(
            "INSERT INTO replica_dead_letters (key, value, headers) VALUES ($1, $2, $3)",
            key, value, json.dumps([[name, raw.decode("utf-8", "replace")]
                                    for name, raw in headers]))
        return asyncio.sleep(0)

    return send


async def rebuild_replica(*, database_url: str, bootstrap_servers: str, topic: str,
                          group_id: str, timing: GroupTiming = DEFAULT_GROUP_TIMING) -> None:
    """Rewind the consumer group and empty the replica; the next start replays the topic.

    Run it while the cases service is stopped: a running member of the group
    would keep its own position.
    """
    # Its tables as this code knows them (a database newer than it stops here, untouched).
    await asyncio.to_thread(prepare_database, database_url)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group_id,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                **timing.consumer_options())
    consumer.subscribe([topic])
    await consumer.start()
    try:
        # Join the group as its only member (the service is stopped), then commit the starts.
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200, max_records=1)
        assigned = list(consumer.assignment())
        starts = await consumer.beginning_offsets(assigned)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in starts.items()})
        await leave_group(consumer)
    finally:
        await consumer.stop()
    # Rewound first: should emptying fail, the replay only skips what is still applied.
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        await pool.execute(f"TRUNCATE {', '.join(REBUILT_TABLES)}")
    finally:
        await pool.close()
