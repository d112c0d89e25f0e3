"""Composition shared by the write services: event store, relay, Kafka, HTTP.

Everything is built inside the lifespan, nothing at import time: the event
store connects when the app starts, the relay starts once the broker is
connected and stops before the broker does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.projection import Projection
from fastapi import APIRouter, FastAPI

from shared.asyncapi import Channel, checkpoints_channel, events_channel
from shared.audit import api as audit_api
from shared.audit.chainer import AuditChainer
from shared.audit.check import ChainCheck, check_service_chain
from shared.audit.checkpoint import private_key, public_key_text
from shared.audit.monitor import ChainMonitor
from shared.audit.store import AuditStore
from shared.audit.topic import read_checkpoints
from shared.eventstore import ServiceApplication, event_store_environment
from shared.idempotency import MemoryIdempotencyStore, PostgresIdempotencyStore
from shared.kafka import (
    checkpoint_publisher,
    kafka_router,
    relay_publisher,
    topic_ends,
)
from shared.migrations import Migration, apply
from shared.relay import (
    MemoryRelayPositions,
    OutboxRelay,
    PostgresRelayPositions,
    RelayPositions,
    Translate,
    listen_for_new_events,
)
from shared.settings import WriteServiceSettings
from shared.store_migrations import prepare_stores
from shared.tasks import cancel_all, supervised
from shared.topics import Topics
from shared.views import View, ViewRunner
from shared.web import create_service_app, postgres_ready

Background = Callable[[FastAPI], Awaitable[None]]
_log = logging.getLogger("wirkung.audit")


@dataclass(frozen=True)
class ViewSpec:
    """A read model of the service: its projection and its view (tables)."""

    projection: type[Projection[Any]]
    view: type[View]


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
    tasks: list[asyncio.Task[Any]] = []
    positions: RelayPositions = MemoryRelayPositions()
    idempotency: MemoryIdempotencyStore | PostgresIdempotencyStore = (
        MemoryIdempotencyStore() if database_url.startswith("memory:")
        else PostgresIdempotencyStore(database_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not database_url.startswith("memory:"):
            await asyncio.to_thread(prepare_stores, database_url)
            if migrations:
                await asyncio.to_thread(apply, database_url, service, migrations)
        environment = event_store_environment(database_url)
        app.state.application = await asyncio.to_thread(application, environment)
        if isinstance(idempotency, PostgresIdempotencyStore):
            await idempotency.start()
        nonlocal positions
        positions = await asyncio.to_thread(relay_positions, database_url)
        runner = None
        if view is not None:
            if database_url.startswith("memory:"):
                raise RuntimeError(f"the {service} service needs PostgreSQL for its views")
            runner = await asyncio.to_thread(
                ViewRunner, application=app.state.application,
                projection_class=view.projection, view_class=view.view,
                environment=environment)
            app.state.application.view = runner.view
            app.state.application.view_catch_up = runner.catch_up
        try:
            yield
        finally:
            await cancel_all(tasks)
            chain = getattr(app.state, "audit_chain", None)
            if chain is not None:
                await chain.monitor.stop()
            if runner is not None:
                await asyncio.to_thread(runner.stop)
            audit = getattr(app.state, "audit_store", None)
            if audit is not None:
                audit.close()
            if isinstance(idempotency, PostgresIdempotencyStore):
                await idempotency.stop()
            if isinstance(positions, PostgresRelayPositions):
                positions.close()
            app.state.application.close()

    kafka = kafka_router(settings, lifespan=lifespan)
    publish = relay_publisher(kafka, topic, f"Events of the {service} service (CloudEvents).")
    publish_checkpoint = checkpoint_publisher(kafka, service,
                                              Topics(settings.topic_prefix).audit_checkpoints)

    @kafka.after_startup
    async def start_relay(app: FastAPI) -> None:
        store: ServiceApplication = app.state.application
        relay = OutboxRelay(recorder=store.recorder, mapper=store.mapper,
                            positions=positions, translate=translate, topic=topic,
                            publish=publish,
                            topic_ends=topic_ends(settings.kafka_bootstrap_servers, topic))
        app.state.relay = relay
        tasks.append(asyncio.create_task(supervised(relay.run, f"{service}-relay")))
        channel = getattr(store.recorder, "channel_name", None)
        if channel and not database_url.startswith("memory:"):
            tasks.append(asyncio.create_task(supervised(
                lambda: listen_for_new_events(database_url, channel, relay.wakeup),
                f"{service}-listen")))
        if not database_url.startswith("memory:"):
            key = settings.audit_key.get_secret_value() if settings.audit_key else None
            audit = await asyncio.to_thread(AuditStore, database_url)
            app.state.audit_store = audit
            chainer = AuditChainer(service=service, recorder=store.recorder, store=audit,
                                   key=private_key(key) if key else None,
                                   publish=publish_checkpoint,
                                   checkpoint_every=settings.audit_checkpoint_events,
                                   checkpoint_seconds=settings.audit_checkpoint_seconds)
            tasks.append(asyncio.create_task(supervised(chainer.run, f"{service}-audit")))
            signing = private_key(key) if key else None
            # Without a key nothing is signed: a throwaway key then finds any old signature
            # forged, as the auditor's key would not match it either.
            verifying = (signing or Ed25519PrivateKey.generate()).public_key()
            app.state.audit_chain = audit_api.AuditChain(
                service=service, store=audit,
                monitor=ChainMonitor(partial(chain_check, service, store.recorder, audit,
                                             settings, verifying)),
                public_key=public_key_text(signing) if signing else None)
        for number, work in enumerate(background):
            tasks.append(asyncio.create_task(supervised(
                partial(work, app), f"{service}-background-{number}")))

    @kafka.on_broker_shutdown
    async def stop_relay(app: FastAPI) -> None:
        await cancel_all(tasks)

    return create_service_app(service=service, title=title, description=description,
                              settings=settings, kafka=kafka,
                              routers=[*routers, audit_api.router],
                              database_ready=postgres_ready(database_url),
                              idempotency=idempotency, channels=[
                                  events_channel(service, topic, "send"),
                                  checkpoints_channel(service, Topics(settings.topic_prefix)
                                                      .audit_checkpoints),
                                  *receives])


def relay_positions(database_url: str) -> RelayPositions:
    if database_url.startswith("memory:"):
        return MemoryRelayPositions()
    return PostgresRelayPositions(database_url)


def chain_check(service: str, recorder: ApplicationRecorder, audit: AuditStore,
                settings: WriteServiceSettings, key: Ed25519PublicKey) -> ChainCheck:
    """`wirkung audit verify` for this service: the store, the database's and the topic's
    checkpoints (if the broker answers; the database's are checked regardless)."""
    topic = Topics(settings.topic_prefix).audit_checkpoints
    try:
        published = asyncio.run(read_checkpoints(settings.kafka_bootstrap_servers, topic,
                                                 service))
    except Exception as error:
        _log.warning("checkpoints topic not read: %s", type(error).__name__)
        published = []
    return check_service_chain(service, recorder, audit, published, key)
