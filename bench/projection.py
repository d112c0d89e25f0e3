"""Benchmark of the metrics projection against a raw drain and FastStream's default.

    python -m bench.projection [--cases 10000] [--partitions 3]

Fills fresh topics with a realistic event mix (bench.events: real contracts in
real envelopes), then measures in the same run (a) a raw aiokafka drain with
JSON decoding, (b) a FastStream per-message subscriber with default settings
writing the same facts, (c) the metrics service's consumer with exactly-once
tracking. Prints each rate in events/s and, last, `ratio=<(c)/(a)>`.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time

from aiokafka import AIOKafkaProducer

from bench.baselines import faststream_per_message, raw_drain
from bench.events import city
from bench.stack import Servers, servers
from services.metrics.consumer import metrics_consumer
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.runtime import tune_garbage_collection
from shared.projection import EVENTS_APPLIED
from shared.topics import Topics


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
    """(c) Events/s of the metrics consumer, from its first batch to the last applied."""
    pool = await create_pool(await stack.new_database(), max_size=4)
    await migrate(pool)
    consumer = metrics_consumer(pool=pool, bootstrap_servers=stack.bootstrap_servers,
                                topics=[topics.agreements, topics.cases],
                                group_id="bench-metrics", dead_letter=_no_dead_letters)
    started = 0.0
    decode_all = consumer.decode_all

    def timed(records: list) -> object:  # type: ignore[type-arg]
        nonlocal started
        if records and not started:
            started = time.perf_counter()
        return decode_all(records)

    consumer.decode_all = timed  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(consumer.run())
    try:
        while _applied(topics) < total:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        return total / (time.perf_counter() - started)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pool.close()


async def _no_dead_letters(*_: object) -> asyncio.Future[None]:
    raise AssertionError("the benchmark's events are all valid")


def _applied(topics: Topics) -> float:
    return float(sum(EVENTS_APPLIED.labels("metrics", topic)._value.get()
                     for topic in (topics.agreements, topics.cases)))


async def run(cases: int, partitions: int, limit_seconds: float) -> None:
    tune_garbage_collection()  # as the metrics service does; the same for all three
    async with servers() as stack:
        topics = await stack.new_topics(partitions)
        started = time.perf_counter()
        total = await fill(stack.bootstrap_servers, topics, cases)
        print(f"filled {total} events ({cases} cases) into {partitions} partitions per topic "
              f"in {time.perf_counter() - started:.1f} s; Python {platform.python_version()}")
        raw = await raw_drain(stack.bootstrap_servers, topics, total)
        print(f"(a) raw aiokafka drain with JSON decoding: {raw:,.0f} events/s")
        pool = await create_pool(await stack.new_database(), max_size=10)
        await migrate(pool)
        default = await faststream_per_message(stack.bootstrap_servers, topics, total, pool,
                                               limit_seconds)
        await pool.close()
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
