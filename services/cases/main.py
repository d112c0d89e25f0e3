"""Composition root of the cases service."""

from __future__ import annotations

import asyncio
import logging
import secrets

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from services.cases.api import install_problems, routers
from services.cases.application import Cases, CasesParts, Deadlines
from services.cases.contracts import to_contract
from services.cases.index import PostgresCaseIndex
from services.cases.key_wrapping import Keyring
from services.cases.migrations import MIGRATIONS, prepare_database
from services.cases.postgres_vault import PostgresVault
from services.cases.purposes import DEFAULT_PURPOSES, Purposes
from services.cases.replica.consumer import replica_consumer
from services.cases.replica.reader import PostgresAgreements
from services.cases.retention import RetentionPeriods
from services.cases.settings import CasesSettings
from services.cases.views import CasesProjection, CasesView
from shared.access_log import PostgresAccessLog
from shared.asyncapi import events_channel
from shared.clock import Clock, SystemClock
from shared.observability import configure_logging
from shared.topics import Topics
from shared.write_service import Background, ViewSpec, create_write_service

_log = logging.getLogger("wirkung.cases")


def postgres_parts(database_url: str, *, keyring: Keyring,
                   clock: Clock | None = None, deadlines: Deadlines | None = None,
                   blind_index_key: bytes | None = None,
                   retention: RetentionPeriods | None = None) -> CasesParts:
    """The application's collaborators, all in the cases database; the clients' keys
    wrapped by the keyring's KEK.

    Without `blind_index_key` clients are indexed under a key of this process only. The
    database's tables are first brought up to this code's version (a no-op when the
    service has just done so on starting).
    """
    if not database_url.startswith(("postgresql:", "postgres:")):
        raise ValueError("the cases service keeps its vault and read model in PostgreSQL")
    prepare_database(database_url)
    pool = ConnectionPool(database_url, min_size=1, max_size=8, open=True,
                          check=ConnectionPool.check_connection)
    access_log = PostgresAccessLog(database_url)
    vault = PostgresVault(pool, blind_index_key or secrets.token_bytes(32), keyring)
    return CasesParts(vault=vault, access_log=access_log,
                      agreements=PostgresAgreements(pool), index=PostgresCaseIndex(pool),
                      closers=[access_log.close, pool.close], clock=clock or SystemClock(),
                      deadlines=deadlines or Deadlines(),
                      retention=retention or RetentionPeriods())


def build_application(database_url: str, environment: dict[str, str],
                      settings: CasesSettings, clock: Clock) -> Cases:
    """The application with its collaborators (its read model runs as the service's view)."""
    deadlines = settings.deadlines()
    key = settings.blind_index_key
    if key is None:
        _log.warning("WIRKUNG_CASES_BLIND_INDEX_KEY is not set: clients registered before this "
                     "start cannot be found by name and birth date")
    return Cases(env=environment, parts=postgres_parts(
        database_url, keyring=settings.keyring(), clock=clock, deadlines=deadlines,
        blind_index_key=key.get_secret_value().encode() if key else None,
        retention=settings.retention()))


def retention_schedule(every_seconds: float) -> Background:
    """Erase the personal data whose retention period has run, now and every so often."""

    async def run(app: FastAPI) -> None:
        while True:
            cases: Cases = app.state.application
            erased = await asyncio.to_thread(cases.erase_due, cases.today())
            if erased:
                _log.info("retention: erased the personal data of %d client(s)", len(erased))
            await asyncio.sleep(every_seconds)

    return run


def create_app(settings: CasesSettings | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    """Build the cases service from its settings (the environment by default).

    `clock` says what day it is (the work list, the agreements open today, the retention
    schedule, the day of a command that names none): the system's by default (or the day
    `WIRKUNG_FIXED_DAY` names).
    """
    settings = settings or CasesSettings()
    clock = clock or settings.clock()
    settings.keyring()  # no start without the key-encryption key
    configure_logging("cases", settings.log_level)
    topics = Topics(settings.topic_prefix)
    app = create_write_service(
        service="cases",
        title="Wirkung — cases",
        description="Clients (pseudonymous), cases with help-plan goals, services and outcomes.",
        settings=settings,
        database_url=settings.database_url,
        application=lambda env: build_application(settings.database_url, env, settings, clock),
        translate=to_contract,
        topic=topics.cases,
        routers=routers,
        view=ViewSpec(projection=CasesProjection, view=CasesView),
        migrations=MIGRATIONS,
        background=[replica_consumer(
            database_url=settings.database_url,
            bootstrap_servers=settings.kafka_bootstrap_servers, topic=topics.agreements,
            group_id=settings.replica_group, timing=settings.group_timing()),
            *([retention_schedule(settings.retention_check_seconds)]
              if settings.retention_check_seconds else [])],
        # The replica of the agreements that cases are assigned to.
        receives=[events_channel("agreements", topics.agreements, "receive")],
    )
    install_problems(app)
    app.state.purposes = (Purposes.from_file(settings.purposes_file) if settings.purposes_file
                          else DEFAULT_PURPOSES)
    return app
