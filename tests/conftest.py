"""Session fixtures: the real PostgreSQL and broker, started once for all tests.

`WIRKUNG_TEST_DATABASE_URL` (a server's admin database) and
`KAFKA_BOOTSTRAP_SERVERS` make the tests use servers that already run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.auth import Role, mint_token, new_secret
from shared.embedded import EmbeddedBroker, EmbeddedPostgres
from shared.embedded.process import free_port
from shared.settings import DEFAULT_GROUP_TIMING
from shared.topics import Topics
from tests.support import (
    DEVELOPMENT_BROKER_TIMING,
    Infrastructure,
    Tokens,
    new_database,
    new_topics,
)


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    home: Path = tmp_path_factory.mktemp("stack")
    postgres = broker = None
    admin_url = os.environ.get("WIRKUNG_TEST_DATABASE_URL")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    try:
        if not admin_url:
            postgres = EmbeddedPostgres(home / "postgres" / "data", free_port(), fsync=False)
            postgres.start()
            admin_url = postgres.url()
        if not bootstrap:
            broker = EmbeddedBroker(free_port(), home / "broker.log")
            broker.start()
            bootstrap = broker.bootstrap_servers
        # A broker given from outside may be Apache Kafka, which refuses short sessions.
        yield Infrastructure(admin_database_url=admin_url, bootstrap_servers=bootstrap,
                             postgres=postgres, broker=broker, home=home,
                             group_timing=(DEVELOPMENT_BROKER_TIMING if broker
                                           else DEFAULT_GROUP_TIMING))
    finally:
        if broker is not None:
            broker.stop()
        if postgres is not None:
            postgres.stop()


@pytest.fixture
async def database_url(infrastructure: Infrastructure) -> str:
    """A fresh, empty database for one test."""
    return await new_database(infrastructure)


@pytest.fixture
async def topics(infrastructure: Infrastructure) -> Topics:
    """Topics of their own for one test, created on the broker."""
    return await new_topics(infrastructure)


@pytest.fixture(scope="session")
def secret() -> str:
    return new_secret()


@pytest.fixture(scope="session")
def tokens(secret: str) -> Tokens:
    return Tokens(
        contract_manager=mint_token(secret, role=Role.CONTRACT_MANAGER, subject="cm-1"),
        caseworker=mint_token(secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-1"),
        other_caseworker=mint_token(secret, role=Role.CASEWORKER, team="asd-sued",
                                    subject="cw-2"),
        auditor=mint_token(secret, role=Role.AUDITOR, subject="au-1"),
        data_protection_officer=mint_token(secret, role=Role.DATA_PROTECTION_OFFICER,
                                           subject="dpo-1"),
    )
