"""The whole embedded stack, or the external servers named in the environment.

`WIRKUNG_<SERVICE>_DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` point at
servers that already run; then nothing of that kind is started.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from shared.embedded.broker import EmbeddedBroker
from shared.embedded.postgres import EmbeddedPostgres
from shared.topics import UNLIMITED_RETENTION, Topics

SERVICES = ("agreements", "cases", "metrics")


@dataclass
class StackAddresses:
    """Where the servers are: one database URL per service, one broker."""

    database_urls: dict[str, str]
    bootstrap_servers: str
    admin_database_url: str | None = None
    embedded_broker: bool = False

    def as_environment(self) -> dict[str, str]:
        env = {f"WIRKUNG_{name.upper()}_DATABASE_URL": url
               for name, url in self.database_urls.items()}
        env["KAFKA_BOOTSTRAP_SERVERS"] = self.bootstrap_servers
        env["KAFKA_ENABLE_IDEMPOTENCE"] = "false" if self.embedded_broker else "true"
        return env


class EmbeddedStack:
    """Start what the environment does not provide; stop what was started."""

    def __init__(self, home: Path, *, postgres_port: int = 5433, broker_port: int = 9092,
                 environ: Mapping[str, str] | None = None, fsync: bool = True,
                 topics: Topics | None = None, partitions: int = 3) -> None:
        self.home = home
        self.environ = dict(os.environ if environ is None else environ)
        self.topics = topics or Topics(self.environ.get("WIRKUNG_TOPIC_PREFIX", "wirkung"))
        self.partitions = partitions
        self.postgres: EmbeddedPostgres | None = None
        self.broker: EmbeddedBroker | None = None
        external_db = {
            name: self.environ[f"WIRKUNG_{name.upper()}_DATABASE_URL"]
            for name in SERVICES if self.environ.get(f"WIRKUNG_{name.upper()}_DATABASE_URL")
        }
        if len(external_db) < len(SERVICES):
            self.postgres = EmbeddedPostgres(home / "postgres" / "data", postgres_port,
                                             fsync=fsync)
        self._external_db = external_db
        external_broker = self.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not external_broker:
            self.broker = EmbeddedBroker(broker_port, home / "broker.log")
        self._external_broker = external_broker

    def start(self) -> StackAddresses:
        self.home.mkdir(parents=True, exist_ok=True)
        try:
            database_urls = dict(self._external_db)
            if self.postgres is not None:
                self.postgres.start()
                for name in SERVICES:
                    if name not in database_urls:
                        self.postgres.create_database(f"wirkung_{name}")
                        database_urls[name] = self.postgres.url(f"wirkung_{name}")
            if self.broker is not None:
                self.broker.start()
            bootstrap = self._external_broker or (self.broker.bootstrap_servers
                                                  if self.broker else "")
            asyncio.run(create_topics(bootstrap, self.topics.all(), self.partitions,
                                      durable=self.topics.durable()))
        except BaseException:
            self.stop()
            raise
        return StackAddresses(
            database_urls=database_urls,
            bootstrap_servers=bootstrap,
            admin_database_url=self.postgres.url() if self.postgres else None,
            embedded_broker=self.broker is not None,
        )

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()
        if self.postgres is not None:
            self.postgres.stop()

    def __enter__(self) -> StackAddresses:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


async def create_topics(bootstrap_servers: str, names: list[str], partitions: int = 3, *,
                        durable: Collection[str] = ()) -> None:
    """Create the topics that do not exist yet (retrying while the broker starts); the
    `durable` ones with unlimited retention."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import KafkaConnectionError

    for attempt in range(30):
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [NewTopic(name, partitions, 1,
                                topic_configs=UNLIMITED_RETENTION if name in durable else {})
                       for name in names if name not in existing]
            if missing:
                await admin.create_topics(missing)
            return
        except KafkaConnectionError:
            if attempt == 29:
                raise
            await asyncio.sleep(1.0)
        finally:
            await admin.close()
