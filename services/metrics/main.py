"""Composition root of the metrics service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from services.metrics.api import ROUTERS
from services.metrics.application import Indicators
from services.metrics.consumer import metrics_consumer
from services.metrics.facts.schema import create_pool
from services.metrics.gauges import IndicatorGauges
from services.metrics.migrations import prepare_database
from services.metrics.settings import MetricsSettings
from services.metrics.verifications import Verifications
from shared.asyncapi import dead_letter_channel, events_channel
from shared.clock import Clock
from shared.envelope import Headers
from shared.kafka import kafka_router
from shared.observability import configure_logging
from shared.projection import tune_garbage_collection
from shared.tasks import cancel_all, close_pool, supervised
from shared.topics import Topics
from shared.web import create_service_app, postgres_ready


def create_app(settings: MetricsSettings | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    """Build the metrics service from its settings (the environment by default).

    `clock` says what year a question without a period means: the system's by default
    (or the day `WIRKUNG_FIXED_DAY` names).
    """
    settings = settings or MetricsSettings()
    configure_logging("metrics", settings.log_level)
    topics = Topics(settings.topic_prefix)
    tasks: list[asyncio.Task[Any]] = []
    indicators = Indicators(settings.disclosure_threshold, settings.cell_key_method(),
                            clock=clock or settings.clock())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Refuses a database migrated by newer code (`DatabaseNewerThanCode`).
        await asyncio.to_thread(prepare_database, settings.database_url)
        app.state.pool = await create_pool(settings.database_url)
        app.state.disclosure_threshold = settings.disclosure_threshold
        app.state.indicators = indicators
        app.state.verifications = Verifications(
            lambda document, progress: indicators.verify(
                document, database_url=settings.database_url,
                bootstrap_servers=settings.kafka_bootstrap_servers, topics=topics,
                progress=progress), topics, indicators.clock)
        try:
            yield
        finally:
            await app.state.verifications.close()
            await cancel_all(tasks)
            await close_pool(app.state.pool)

    kafka = kafka_router(settings, lifespan=lifespan)
    dead_letters = kafka.publisher(topics.metrics_dlq, title=topics.metrics_dlq,
                                   description="Messages the projection could not apply.")

    async def send_dead_letter(key: bytes | None, value: bytes | None,
                               headers: Headers) -> Awaitable[Any]:
        future: Awaitable[Any] = await dead_letters.publish(
            value or b"", key=key, headers={name: raw.decode("utf-8", "replace")
                                            for name, raw in headers}, no_confirm=True)
        return future

    @kafka.after_startup
    async def start_consumer(app: FastAPI) -> None:
        gauges = IndicatorGauges(app.state.pool, indicators)
        consumer = metrics_consumer(
            pool=app.state.pool, bootstrap_servers=settings.kafka_bootstrap_servers,
            topics=[topics.agreements, topics.cases], group_id=settings.consumer_group,
            dead_letter=send_dead_letter, after_batch=gauges.after_batch,
            timing=settings.group_timing(),
        )
        app.state.consumer = consumer
        async with app.state.pool.acquire() as connection:
            await gauges.refresh(connection)
        tune_garbage_collection()
        tasks.append(asyncio.create_task(supervised(consumer.run, "metrics-consumer")))
        tasks.append(asyncio.create_task(supervised(gauges.run, "metrics-gauges")))

    @kafka.on_broker_shutdown
    async def stop_consumer(app: FastAPI) -> None:
        await cancel_all(tasks)

    return create_service_app(
        service="metrics",
        title="Wirkung — metrics",
        description="Impact indicators on three levels, projected from both event streams.",
        settings=settings, kafka=kafka, routers=ROUTERS,
        database_ready=postgres_ready(settings.database_url),
        channels=[events_channel("agreements", topics.agreements, "receive"),
                  events_channel("cases", topics.cases, "receive"),
                  dead_letter_channel(topics.metrics_dlq)],
    )
