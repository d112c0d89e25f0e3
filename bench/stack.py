"""The servers a benchmark runs on: those the environment names, or an embedded stack."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from shared.embedded import EmbeddedBroker, EmbeddedPostgres
from shared.embedded.process import free_port
from shared.embedded.stack import create_topics
from shared.topics import Topics


@dataclass
class Servers:
    admin_database_url: str
    bootstrap_servers: str

    async def new_database(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(self.admin_database_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return self.admin_database_url.rsplit("/", 1)[0] + f"/{name}"

    async def new_topics(self, partitions: int) -> Topics:
        topics = Topics(prefix=f"bench-{uuid.uuid4().hex[:8]}")
        await create_topics(self.bootstrap_servers, topics.all(), partitions)
        return topics


@asynccontextmanager
async def servers() -> AsyncIterator[Servers]:
    """`WIRKUNG_BENCH_DATABASE_URL` (an admin database) and `KAFKA_BOOTSTRAP_SERVERS`
    name servers to use; whatever is not named is started embedded and stopped after."""
    admin_url = os.environ.get("WIRKUNG_BENCH_DATABASE_URL")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    with tempfile.TemporaryDirectory(prefix="wirkung-bench-") as home:
        postgres = broker = None
        try:
            if not admin_url:
                postgres = EmbeddedPostgres(Path(home) / "postgres" / "data", free_port(),
                                            fsync=False)
                postgres.start()
                admin_url = postgres.url()
            if not bootstrap:
                broker = EmbeddedBroker(free_port(), Path(home) / "broker.log")
                broker.start()
                bootstrap = broker.bootstrap_servers
            yield Servers(admin_url, bootstrap)
        finally:
            if broker is not None:
                broker.stop()
            if postgres is not None:
                postgres.stop()
