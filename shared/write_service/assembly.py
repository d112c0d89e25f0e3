"""A write service put together from its parts: stores, application, view, relay, audit
chain and background work behind one FastAPI app and one Kafka router.

Everything is built inside the lifespan, nothing at import time: the stores open and the
application is built when the app starts; the relay, the audit chain and the background
work start once the broker is connected and stop before it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from fastapi import APIRouter, FastAPI

from shared.asyncapi import Channel, checkpoints_channel, events_channel
from shared.audit import api as audit_api
from shared.eventstore import ServiceApplication
from shared.kafka import checkpoint_publisher, kafka_router, relay_publisher
from shared.migrations import Migration
from shared.relay import Translate
from shared.settings import WriteServiceSettings
from shared.tasks import Job, ServiceTasks
from shared.topics import Topics
from shared.web import create_service_app
from shared.write_service.audit_chain import AuditChainWriter, stop_audit_chain
from shared.write_service.outbox import Outbox
from shared.write_service.read_model import ViewSpec, attach_view
from shared.write_service.stores import ServiceStores, stores_for

Background = Callable[[FastAPI], Awaitable[None]]
JobsOf = Callable[[FastAPI], Awaitable[list[Job]]]


def create_write_service(*, service: str, title: str, description: str,
                         settings: WriteServiceSettings, database_url: str,
                         application: Callable[[dict[str, str]], ServiceApplication],
                         translate: Translate, topic: str, routers: Sequence[APIRouter],
                         view: ViewSpec | None = None,
                         migrations: Sequence[Migration] = (),
                         background: Sequence[Background] = (),
                         receives: Sequence[Channel] = ()) -> FastAPI:
    """A write service: its application behind `routers`, relayed to `topic`.

    Its AsyncAPI document names its events on `topic`, its checkpoints and the topics it
    `receives` from.
    Its stores' migrations and its own `migrations` are applied to its database first
    (a database newer than them stops the start, see `shared.migrations`).
    `view` keeps a read model in step (PostgreSQL only); each `background`
    coroutine runs, restarted on failure, while the broker is connected.
    """
    stores = stores_for(database_url)
    tasks = ServiceTasks()
    lifespan = Lifespan(service=service, stores=stores, application=application,
                        migrations=migrations, view=view, tasks=tasks)
    kafka = kafka_router(settings, lifespan=lifespan.run)
    checkpoints = Topics(settings.topic_prefix).audit_checkpoints
    outbox = Outbox(service=service, stores=stores, translate=translate, topic=topic,
                    publish=relay_publisher(kafka, topic,
                                            f"Events of the {service} service (CloudEvents)."),
                    bootstrap_servers=settings.kafka_bootstrap_servers)
    audit = AuditChainWriter(service=service, stores=stores, settings=settings,
                             publish=checkpoint_publisher(kafka, service, checkpoints))
    connected = WhileConnected(tasks=tasks, parts=(
        outbox.start, audit.start, BackgroundWork(service, background).start))
    kafka.after_startup(connected.start)
    kafka.on_broker_shutdown(connected.stop)
    return create_service_app(service=service, title=title, description=description,
                              settings=settings, kafka=kafka,
                              routers=[*routers, audit_api.router],
                              database_ready=stores.ready, idempotency=stores.idempotency,
                              channels=[events_channel(service, topic, "send"),
                                        checkpoints_channel(service, checkpoints),
                                        *receives])


@dataclass(frozen=True)
class Lifespan:
    """The app's start and stop: the stores, the application (`app.state.application`) and
    its view; on stop also the tasks and the audit chain's monitor, then the stores."""

    service: str
    stores: ServiceStores
    application: Callable[[dict[str, str]], ServiceApplication]
    migrations: Sequence[Migration]
    view: ViewSpec | None
    tasks: ServiceTasks

    @asynccontextmanager
    async def run(self, app: FastAPI) -> AsyncIterator[None]:
        await self.stores.migrate(self.service, self.migrations)
        app.state.application = await asyncio.to_thread(self.application,
                                                        self.stores.environment())
        await self.stores.open()
        runner = None
        if self.view is not None:
            runner = await self.stores.follow(self.service, app.state.application, self.view)
            attach_view(app, runner)
        try:
            yield
        finally:
            await self.tasks.cancel()
            await stop_audit_chain(app)
            if runner is not None:
                await asyncio.to_thread(runner.stop)
            await self.stores.close()
            app.state.application.close()


@dataclass(frozen=True)
class WhileConnected:
    """Runs each part's jobs, in order, from the broker's connection until it stops."""

    tasks: ServiceTasks
    parts: Sequence[JobsOf]

    async def start(self, app: FastAPI) -> None:
        for jobs_of in self.parts:
            self.tasks.start(await jobs_of(app))

    async def stop(self, app: FastAPI) -> None:
        await self.tasks.cancel()


@dataclass(frozen=True)
class BackgroundWork:
    """The service's own `background` coroutines, each given the app."""

    service: str
    works: Sequence[Background]

    async def start(self, app: FastAPI) -> list[Job]:
        return [Job(f"{self.service}-background-{number}", partial(work, app))
                for number, work in enumerate(self.works)]
