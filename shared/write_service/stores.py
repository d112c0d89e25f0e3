"""The stores a write service keeps, chosen once from its database URL.

Beside its event store a write service keeps its relay's positions, its idempotency keys,
its audit chain and its view. In PostgreSQL (production) they live in the service's own
database, whose tables are migrated first, and a listener wakes the relay on new events.
In memory (`memory://`, for tests) nothing outlives the process: there is no view and no
audit chain, and the relay polls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Protocol

from eventsourcing.persistence import ApplicationRecorder

from shared.audit.store import AuditStore
from shared.eventstore import ServiceApplication, event_store_environment
from shared.idempotency import IdempotencyStore, MemoryIdempotencyStore, PostgresIdempotencyStore
from shared.migrations import Migration, apply
from shared.relay import (
    MemoryRelayPositions,
    PostgresRelayPositions,
    RelayPositions,
    listen_for_new_events,
)
from shared.store_migrations import prepare_stores
from shared.views import ViewRunner
from shared.web import ReadinessCheck, postgres_ready
from shared.write_service.read_model import ViewSpec

Listener = Callable[[], Awaitable[None]]


class ServiceStores(Protocol):
    """Where a write service keeps its events and its own records.

    Opened in this order: `migrate`, the application on `environment()`, `open`; then,
    once the broker is connected, `open_audit`. `close` closes what was opened.
    """

    @property
    def idempotency(self) -> IdempotencyStore: ...
    @property
    def ready(self) -> ReadinessCheck: ...
    async def migrate(self, service: str, migrations: Sequence[Migration]) -> None: ...
    def environment(self) -> dict[str, str]: ...
    async def open(self) -> None: ...
    @property
    def positions(self) -> RelayPositions: ...
    async def follow(self, service: str, application: ServiceApplication,
                     view: ViewSpec) -> ViewRunner: ...
    def new_events_listener(self, recorder: ApplicationRecorder,
                            wakeup: asyncio.Event) -> Listener | None: ...
    async def open_audit(self) -> AuditStore | None: ...
    async def close(self) -> None: ...


def stores_for(database_url: str) -> ServiceStores:
    """The stores a `memory://` URL or a PostgreSQL URL names."""
    if database_url.startswith("memory:"):
        return MemoryStores(database_url)
    return PostgresStores(database_url)


class MemoryStores:
    """Everything in this process, for tests."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.idempotency = MemoryIdempotencyStore()
        self.ready: ReadinessCheck = _always_ready
        self._positions = MemoryRelayPositions()

    async def migrate(self, service: str, migrations: Sequence[Migration]) -> None:
        """Nothing to migrate: every start begins empty."""

    def environment(self) -> dict[str, str]:
        return event_store_environment(self.database_url)

    async def open(self) -> None:
        self._positions = MemoryRelayPositions()

    @property
    def positions(self) -> RelayPositions:
        return self._positions

    async def follow(self, service: str, application: ServiceApplication,
                     view: ViewSpec) -> ViewRunner:
        raise RuntimeError(f"the {service} service needs PostgreSQL for its views")

    def new_events_listener(self, recorder: ApplicationRecorder,
                            wakeup: asyncio.Event) -> Listener | None:
        return None

    async def open_audit(self) -> AuditStore | None:
        return None

    async def close(self) -> None:
        """Nothing to close."""


class PostgresStores:
    """Everything in the service's own PostgreSQL database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.idempotency = PostgresIdempotencyStore(database_url)
        self.ready = postgres_ready(database_url)
        self._positions: PostgresRelayPositions | None = None
        self._audit: AuditStore | None = None

    async def migrate(self, service: str, migrations: Sequence[Migration]) -> None:
        """The stores' migrations, then the service's own (`shared.migrations`)."""
        await asyncio.to_thread(prepare_stores, self.database_url)
        if migrations:
            await asyncio.to_thread(apply, self.database_url, service, migrations)

    def environment(self) -> dict[str, str]:
        return event_store_environment(self.database_url)

    async def open(self) -> None:
        await self.idempotency.start()
        self._positions = await asyncio.to_thread(PostgresRelayPositions, self.database_url)

    @property
    def positions(self) -> RelayPositions:
        if self._positions is None:
            raise RuntimeError("the relay positions are read once the stores are open")
        return self._positions

    async def follow(self, service: str, application: ServiceApplication,
                     view: ViewSpec) -> ViewRunner:
        return await asyncio.to_thread(
            ViewRunner, application=application, projection_class=view.projection,
            view_class=view.view, environment=self.environment())

    def new_events_listener(self, recorder: ApplicationRecorder,
                            wakeup: asyncio.Event) -> Listener | None:
        """Wakes the relay when the event store notifies its channel."""
        channel = getattr(recorder, "channel_name", None)
        if not channel:
            return None
        return partial(listen_for_new_events, self.database_url, channel, wakeup)

    async def open_audit(self) -> AuditStore:
        self._audit = await asyncio.to_thread(AuditStore, self.database_url)
        return self._audit

    async def close(self) -> None:
        if self._audit is not None:
            self._audit.close()
        await self.idempotency.stop()
        if self._positions is not None:
            self._positions.close()


async def _always_ready() -> bool:
    return True
