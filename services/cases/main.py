"""Composition root of the cases service."""

from __future__ import annotations

from fastapi import FastAPI

from services.cases.api import router
from services.cases.application import Cases
from services.cases.contracts import to_contract
from services.cases.settings import CasesSettings
from shared.observability import configure_logging
from shared.topics import Topics
from shared.write_service import create_write_service


def create_app(settings: CasesSettings | None = None) -> FastAPI:
    """Build the cases service from its settings (the environment by default)."""
    settings = settings or CasesSettings()
    configure_logging("cases", settings.log_level)
    return create_write_service(
        service="cases",
        title="Wirkung — cases",
        description="Clients (pseudonymous), cases with help-plan goals, services and outcomes.",
        settings=settings,
        database_url=settings.database_url,
        application=lambda env: Cases(env=env),
        translate=to_contract,
        topic=Topics(settings.topic_prefix).cases,
        routers=[router],
    )
