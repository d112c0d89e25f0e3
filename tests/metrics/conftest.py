"""The fixed history projected once into its own database for a test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.metrics.history import fixed_history
from tests.metrics.support import facts_of
from tests.support import Infrastructure, new_database


@pytest.fixture(scope="module")
async def history_facts(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await facts_of(await new_database(infrastructure), fixed_history())
    yield pool
    await pool.close()
