"""Composition root of the metrics service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI
from prometheus_client import Gauge

from services.metrics.api import router
from services.metrics.catalog import ACTIVE_CASES
from services.metrics.indicators import active_cases
from services.metrics.projection import parse, project
from services.metrics.schema import migrate
from services.metrics.settings import MetricsSettings
from shared.envelope import Headers
from shared.kafka import kafka_router
from shared.observability import configure_logging
from shared.projection import ProjectionConsumer
from shared.tasks import cancel_all, supervised
from shared.topics import Topics
from shared.web import create_service_app, postgres_ready

ACTIVE_CASES_GAUGE = Gauge("wirkung_indicator_active_cases",
                           "Active cases by field of action (small cells withheld).",
                           ["field_of_action"])


def create_app(settings: MetricsSettings | None = None) -> FastAPI:
    """Build the metrics service from its settings (the environment by default)."""
    settings = settings or MetricsSettings()
    configure_logging("metrics", settings.log_level)
    topics = Topics(settings.topic_prefix)
    tasks: list[asyncio.Task[Any]] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(settings.database_url, min_size=1,
                                                   max_size=10)
        app.state.disclosure_threshold = settings.disclosure_threshold
        try:
            await migrate(app.state.pool)
            yield
        finally:
            await cancel_all(tasks)
            await app.state.pool.close()

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
        pool: asyncpg.Pool = app.state.pool

        async def refresh_gauges() -> None:
            cells = await active_cases(pool, ACTIVE_CASES, ["field_of_action"],
                                       settings.disclosure_threshold)
            ACTIVE_CASES_GAUGE.clear()
            for cell in cells:
                if not cell.suppressed and cell.value is not None:
                    ACTIVE_CASES_GAUGE.labels(cell.dimensions["field_of_action"]).set(cell.value)

        consumer = ProjectionConsumer(
            name="metrics", parse=parse, project=project, pool=pool,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topics=[topics.agreements, topics.cases], group_id=settings.consumer_group,
            dead_letter=send_dead_letter, after_commit=refresh_gauges,
        )
        app.state.consumer = consumer
        tasks.append(asyncio.create_task(supervised(consumer.run, "metrics-consumer")))
        await refresh_gauges()

    @kafka.on_broker_shutdown
    async def stop_consumer(app: FastAPI) -> None:
        await cancel_all(tasks)

    return create_service_app(
        service="metrics",
        title="Wirkung — metrics",
        description="Impact indicators on three levels, projected from both event streams.",
        settings=settings, kafka=kafka, routers=[router],
        database_ready=postgres_ready(settings.database_url),
    )

