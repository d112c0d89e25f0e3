"""Composition root of the cases service."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from services.cases.api import install_problems, routers
from services.cases.application import Cases
from services.cases.contracts import to_contract
from services.cases.migrations import MIGRATIONS
from services.cases.purposes import DEFAULT_PURPOSES, Purposes
from services.cases.replica.consumer import replica_consumer
from services.cases.settings import CasesSettings
from services.cases.views import CasesProjection, CasesView
from shared.asyncapi import events_channel
from shared.clock import Clock
from shared.observability import configure_logging
from shared.topics import Topics
from shared.write_service import Background, ViewSpec, create_write_service

_log = logging.getLogger("wirkung.cases")


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
        application=lambda env: Cases.from_settings(settings, clock=clock, env=env),
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
