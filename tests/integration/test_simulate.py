"""`wirkung simulate`: a city's year into the stores, the same for the same seed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.cases.settings import CasesSettings
from tests.support import Infrastructure, new_database
from wirkung.simulate import simulate
from wirkung.stores import event_store

pytestmark = pytest.mark.integration
KEK = CasesSettings.new_key_encryption_key()


async def simulated(infrastructure: Infrastructure, seed: int) -> list[tuple[Any, ...]]:
    import asyncio

    urls = {service: await new_database(infrastructure) for service in ("agreements", "cases")}
    counts = await asyncio.to_thread(simulate, urls["agreements"], urls["cases"],
                                     key_encryption_key=KEK, city="small", year=2026,
                                     seed=seed)
    assert counts.cases == 1000
    assert counts.events > 20_000
    events = []
    for service, url in urls.items():
        store = event_store(service, url)
        try:
            for n in store.recorder.select_notifications(0, 1_000_000):
                state = json.loads(n.state)
                state.pop("timestamp", None)  # when it was recorded: now
                events.append((str(n.originator_id), n.originator_version, n.topic, state))
        finally:
            store.close()
    return events


async def test_the_same_seed_simulates_the_same_year(infrastructure: Infrastructure) -> None:
    first = await simulated(infrastructure, seed=7)
    again = await simulated(infrastructure, seed=7)

    assert first == again


async def test_another_seed_simulates_another_year(infrastructure: Infrastructure) -> None:
    assert (await simulated(infrastructure, seed=1))[:50] != (
        await simulated(infrastructure, seed=2))[:50]
