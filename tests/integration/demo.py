"""A small demo municipality for the integration tests, straight into the event stores (as
`wirkung dev` seeds its demo), which the services' relays then publish; and the three
services that publish and read it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from services.agreements.application import Agreements
from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.cases.application import Cases
from services.cases.application.postgres import postgres_parts
from services.cases.key_wrapping import KeyEncryptionKey, Keyring
from services.cases.main import create_app as cases_app
from services.cases.settings import CasesSettings
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared.eventstore import event_store_environment
from shared.topics import Topics
from tests.support import (
    TEST_KEY_ENCRYPTION_KEY,
    Infrastructure,
    new_database,
    new_topics,
    serving,
    settings_for,
)
from wirkung.demo_agreements import seed_agreements
from wirkung.demo_cases import seed_cases

SERVICES = ("agreements", "cases", "metrics")
# The day the demo is seeded up to unless a test needs the machine's: its agreements run
# through 2025-2026 and its cases fall into 2026 with them, whatever day the suite runs.
DEMO_DAY = date(2026, 11, 30)


def seed_small_demo(urls: dict[str, str], *, providers: int, per_provider: int,
                    cases: int, today: date = DEMO_DAY) -> None:
    """Providers with signed agreements in the agreements database at `urls["agreements"]`,
    and cases under them in the cases database at `urls["cases"]`: the agreements' terms end
    with the year of `today`, the cases are opened in the two years up to it."""
    agreements = Agreements(env=event_store_environment(urls["agreements"]))
    try:
        signed = seed_agreements(agreements, providers=providers, per_provider=per_provider,
                                 last_year=today.year)
    finally:
        agreements.close()
    keyring = Keyring(KeyEncryptionKey.from_text(TEST_KEY_ENCRYPTION_KEY))
    application = Cases(env=event_store_environment(urls["cases"]),
                        parts=postgres_parts(urls["cases"], keyring=keyring))
    try:
        seed_cases(application, signed, count=cases, today=today)
    finally:
        application.close()


@dataclass(frozen=True)
class ThreeServices:
    """The agreements, cases and metrics services running, each on a database of its own,
    all on the same topics."""

    topics: Topics
    urls: dict[str, str]  # each service's database
    clients: dict[str, httpx.AsyncClient]  # each service's API
    metrics_settings: MetricsSettings


@asynccontextmanager
async def three_services(infrastructure: Infrastructure, secret: str, *,
                         agreements: dict[str, Any] | None = None,
                         cases: dict[str, Any] | None = None,
                         metrics: dict[str, Any] | None = None) -> AsyncIterator[ThreeServices]:
    """Fresh topics and databases, and the three services on them until the block ends;
    `agreements`, `cases` and `metrics` are settings of each beyond the tests' own."""
    topics = await new_topics(infrastructure)
    urls = {name: await new_database(infrastructure) for name in SERVICES}

    def settings(kind: type[Any], name: str, extra: dict[str, Any] | None) -> Any:
        return settings_for(kind, database_url=urls[name], infrastructure=infrastructure,
                            topic_prefix=topics.prefix, secret=secret, **(extra or {}))

    metrics_settings: MetricsSettings = settings(MetricsSettings, "metrics", metrics)
    async with AsyncExitStack() as stack:
        clients = {
            "agreements": await stack.enter_async_context(serving(agreements_app(settings(
                AgreementsSettings, "agreements", agreements)))),
            "cases": await stack.enter_async_context(serving(cases_app(settings(
                CasesSettings, "cases", cases)))),
            "metrics": await stack.enter_async_context(serving(metrics_app(metrics_settings))),
        }
        yield ThreeServices(topics, urls, clients, metrics_settings)
