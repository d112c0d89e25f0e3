"""A write service's stores are chosen once, from its database URL."""

from __future__ import annotations

import asyncio

import pytest

from services.agreements.views import AgreementsProjection, AgreementsView
from shared.eventstore import ServiceApplication
from shared.relay import MemoryRelayPositions
from shared.write_service import ViewSpec
from shared.write_service.stores import MemoryStores, PostgresStores, stores_for


async def test_a_memory_url_keeps_everything_in_this_process() -> None:
    stores = stores_for("memory://")

    await stores.migrate("agreements", ())
    await stores.open()

    assert isinstance(stores, MemoryStores)
    assert stores.environment() == {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    assert isinstance(stores.positions, MemoryRelayPositions)
    assert await stores.ready()
    assert await stores.open_audit() is None
    application = ServiceApplication(env=stores.environment())
    assert stores.new_events_listener(application.recorder, asyncio.Event()) is None


async def test_a_memory_store_keeps_no_view() -> None:
    stores = stores_for("memory://")
    application = ServiceApplication(env=stores.environment())

    with pytest.raises(RuntimeError, match="needs PostgreSQL for its views"):
        await stores.follow("agreements", application,
                            ViewSpec(AgreementsProjection, AgreementsView))


def test_a_postgresql_url_keeps_everything_in_that_database() -> None:
    stores = stores_for("postgresql://wirkung@db.example:5433/cases")

    assert isinstance(stores, PostgresStores)
    assert stores.environment()["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert stores.environment()["POSTGRES_DBNAME"] == "cases"
    with pytest.raises(RuntimeError, match="once the stores are open"):
        _ = stores.positions
