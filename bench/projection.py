"""Benchmark of the metrics projection against a raw drain and FastStream's default.

    python -m bench.projection [--cases 10000] [--partitions 3]

Fills fresh topics with a realistic event mix (bench.events: real contracts in
real envelopes), then measures in the same run (a) a raw aiokafka drain with
JSON decoding, (b) a FastStream per-message subscriber with default settings
writing each event with one INSERT, (c) the metrics service's consumer with
exactly-once tracking: `wirkung serve metrics` on a fresh database, reading the
same topics. Prints each rate in events/s and, last, `ratio=<(c)/(a)>`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import platform
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

from bench.baselines import faststream_per_message, raw_drain
from bench.common import serving
from bench.events import city
from bench.stack import Servers, servers
from services.metrics.application import LIVE_SCHEMA
from shared.auth import new_secret
from shared.projection import tune_garbage_collection
from shared.topics import Topics

# What the consumer has read of the topics, as its input positions record it.
CONSUMED = "SELECT coalesce(sum(last_offset + 1), 0) FROM input_positions"


async def fill(bootstrap_servers: str, topics: Topics, cases: int) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20,
                                max_batch_size=512 * 1024)
    await producer.start()
    try:
        sent = []
        for topic, envelope in city(cases, topics=topics).in_order():
            key, value, headers = envelope.to_kafka()
            sent.append(await producer.send(topic, value, key=key, headers=headers))
        await asyncio.gather(*sent)
        return len(sent)
    finally:
        await producer.stop()


async def service_consumer(stack: Servers, topics: Topics, total: int) -> float:
    """(c) Events/s of the metrics service taking in the topics, from the start of its first
    batch to the last event applied.

    The start is the earliest `applied_at` of the versions it applied (the first batch's
    transaction start: a client's registration, which no later event of that client follows,
    is in every batch); the end is when its input positions reach the topics' ends, polled
    every 10 ms from before the service starts.
    """
    database_url = await stack.new_database()
    environment = {"WIRKUNG_METRICS_DATABASE_URL": database_url,
                   "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
                   "WIRKUNG_TOPIC_PREFIX": topics.prefix,
                   "WIRKUNG_METRICS_CONSUMER_GROUP": f"bench-metrics-{uuid.uuid4().hex[:8]}",
                   "WIRKUNG_AUTH_SECRET": new_secret(),
                   "WIRKUNG_METRICS_CELL_KEY_SECRET": "bench-cell-key-secret",
                   "WIRKUNG_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory(prefix="bench-projection-") as home, \
            contextlib.ExitStack() as running:
        consumed = asyncio.create_task(_consumed(database_url, total))
        try:
            metrics = await asyncio.to_thread(
                running.enter_context, serving("metrics", environment,
                                               Path(home) / "metrics.log"))
            deadline = time.monotonic() + 120 + total / 500
            while not consumed.done():
                if metrics.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the metrics service did not take in the topics; "
                                       f"see {home}/metrics.log")
                await asyncio.wait([consumed], timeout=0.5)
            finished = consumed.result()
        finally:
            consumed.cancel()
        connection = await asyncpg.connect(database_url,
                                           server_settings={"search_path": LIVE_SCHEMA})
        try:
            applied = await connection.fetchval(
                "SELECT coalesce(sum(version), 0) FROM applied_versions")
            first = await connection.fetchval("SELECT min(applied_at) FROM applied_versions")
        finally:
            await connection.close()
    if applied != total:
        raise RuntimeError(f"the metrics service applied {applied} of the {total} events "
                           "(the benchmark's events are all valid)")
    return float(total / (finished - first.timestamp()))


async def _consumed(database_url: str, total: int) -> float:
    """When the input positions reach `total` events (`time.time()`); before the service has
    made its tables, they are none."""
    connection = await asyncpg.connect(database_url,
                                       server_settings={"search_path": LIVE_SCHEMA})
    try:
        while True:
            try:
                if await connection.fetchval(CONSUMED) >= total:
                    return time.time()
            except asyncpg.UndefinedTableError:
                pass
            await asyncio.sleep(0.01)
    finally:
        await connection.close()


async def run(cases: int, partitions: int, limit_seconds: float) -> None:
    tune_garbage_collection()  # for (a) and (b), as the metrics service tunes its own
    async with servers() as stack:
        topics = await stack.new_topics(partitions)
        started = time.perf_counter()
        total = await fill(stack.bootstrap_servers, topics, cases)
        print(f"filled {total} events ({cases} cases) into {partitions} partitions per topic "
              f"in {time.perf_counter() - started:.1f} s; Python {platform.python_version()}")
        raw = await raw_drain(stack.bootstrap_servers, topics, total)
        print(f"(a) raw aiokafka drain with JSON decoding: {raw:,.0f} events/s")
        default = await faststream_per_message(stack.bootstrap_servers, topics, total,
                                               await stack.new_database(), limit_seconds)
        print(f"(b) FastStream per-message subscriber, defaults: {default:,.0f} events/s")
        ours = await service_consumer(stack, topics, total)
        print(f"(c) metrics consumer, exactly-once batches: {ours:,.0f} events/s "
              f"({ours / default:.1f} x (b))")
        print(f"ratio={ours / raw:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the history")
    parser.add_argument("--partitions", type=int, default=3, help="partitions per topic")
    parser.add_argument("--faststream-seconds", type=float, default=20.0,
                        help="how long (b) may run before its rate is taken")
    args = parser.parse_args()
    asyncio.run(run(args.cases, args.partitions, args.faststream_seconds))


if __name__ == "__main__":
    main()
