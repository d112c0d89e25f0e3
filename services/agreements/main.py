"""Composition root of the agreements service."""

from __future__ import annotations

from fastapi import FastAPI

from services.agreements.api import install_problems, routers
from services.agreements.application import Agreements
from services.agreements.contracts import to_contract
from services.agreements.migrations import MIGRATIONS
from services.agreements.settings import AgreementsSettings
from services.agreements.views import AgreementsProjection, AgreementsView
from shared.access_log import PostgresAccessLog
from shared.clock import Clock
from shared.observability import configure_logging
from shared.topics import Topics
from shared.write_service import ViewSpec, create_write_service


def create_app(settings: AgreementsSettings | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    """Build the agreements service from its settings (the environment by default).

    `clock` says what day it is (an agreement's status, a report's lateness): the system's
    by default (or the day `WIRKUNG_FIXED_DAY` names), a fixed one in tests.
    """
    settings = settings or AgreementsSettings()
    clock = clock or settings.clock()
    configure_logging("agreements", settings.log_level)
    app = create_write_service(
        service="agreements",
        title="Wirkung — agreements",
        description="Providers (Freie Träger), service agreements and provider reports.",
        settings=settings,
        database_url=settings.database_url,
        application=lambda env: Agreements(env=env, access_log=access_log(settings),
                                               clock=clock),
        translate=to_contract,
        topic=Topics(settings.topic_prefix).agreements,
        routers=routers,
        view=ViewSpec(AgreementsProjection, AgreementsView),
        migrations=MIGRATIONS,
    )
    install_problems(app)
    return app


def access_log(settings: AgreementsSettings) -> PostgresAccessLog:
    return PostgresAccessLog(settings.database_url)
