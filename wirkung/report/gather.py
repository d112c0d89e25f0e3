"""Gather what the report states: from the write services' stores, the metrics facts,
the checkpoints topic and the access logs. Progress goes to stderr.

It fills the same model (`shared.report.model`) as the web's gatherer does from the APIs
(`services.web.report.gather`), so both write the same page; the command reads the databases
because it runs where no one signs in (production tokens come from the OIDC provider).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from pathlib import Path

import asyncpg
import psycopg
from eventsourcing.persistence import PersistenceError

from services.metrics.application import (
    CATALOG,
    LIVE_SCHEMA,
    Grain,
    IndicatorDefinition,
    Period,
    Question,
)
from shared.access_log import AccessCount, count_accesses
from shared.audit.check import ChainCheck
from shared.report import model
from wirkung.audit import WRITE_SERVICES, check_chain
from wirkung.environment import required, setting
from wirkung.report.evidence import attested_total, figures, period_closed_at, restatements_of
from wirkung.report.facts import Facts

CONNECT_TIMEOUT = 10  # seconds


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def reading(what: str) -> Iterator[None]:
    """A database that cannot be reached (or read) ends the command with an error naming it."""
    try:
        yield
    except (OSError, psycopg.Error, asyncpg.PostgresError, asyncpg.InterfaceError,
            PersistenceError) as error:
        raise SystemExit(f"wirkung audit report: cannot read {what}: "
                         f"{type(error).__name__}: {error}") from error


def gather(period: Period, home: Path) -> model.Report:
    """Everything the report shows about `period`."""
    chains = []
    for service in WRITE_SERVICES:
        progress(f"Verifying the {service} service's chain ...")
        with reading(f"the {service} database"):
            chains.append(chain_status(check_chain(service, home)))
    threshold = int(setting("WIRKUNG_METRICS_DISCLOSURE_THRESHOLD", home) or 5)
    metrics_url = required("WIRKUNG_METRICS_DATABASE_URL", home)
    progress(f"Computing {len(CATALOG)} indicators for {period.label} ...")
    with reading("the metrics database"):
        indicators, restatements = asyncio.run(_indicators(metrics_url, period, threshold))
    progress("Counting the access logs ...")
    accesses = []
    for service in WRITE_SERVICES:
        url = required(f"WIRKUNG_{service.upper()}_DATABASE_URL", home)
        with reading(f"the access log in the {service} database"):
            accesses.append(model.Accesses(service, _accesses(url, period)))
    made_at = datetime.now(UTC)
    return model.Report(report_period(period), made_at, chains, indicators,
                        period_closed_at(period) <= made_at,
                        restatements, accesses,
                        threshold)


def report_period(period: Period) -> model.ReportPeriod:
    return model.ReportPeriod(period.label, period.start, period.end,
                              tuple(month.label for month in period.split(Grain.MONTH)))


def chain_status(check: ChainCheck) -> model.ChainStatus:
    result = check.verification
    return model.ChainStatus(result.service, result.events, result.chained, result.checkpoints,
                             check.kept, check.published,
                             tuple(str(finding) for finding in result.findings))


def indicator(definition: IndicatorDefinition) -> model.Indicator:
    return model.Indicator(str(definition.id), definition.version, definition.title_de,
                           definition.title_en, definition.level.value, definition.unit,
                           definition.aggregation.value)


async def _indicators(url: str, period: Period,
                      threshold: int) -> tuple[list[model.IndicatorValues], list[model.Restated]]:
    connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT,
                                       server_settings={"search_path": LIVE_SCHEMA})
    try:
        # One read-only snapshot of the database: values, manifests and restatements agree.
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            facts = Facts(connection, threshold)
            values, restated = [], []
            for definition in CATALOG.values():
                values.append(await _values(facts, definition, period))
                restated.append(await restatements_of(facts, definition, period))
            return values, restated
    finally:
        await connection.close()


async def _values(facts: Facts, definition: IndicatorDefinition,
                  period: Period) -> model.IndicatorValues:
    total, manifest = await attested_total(facts, definition, period)
    months = await facts.cells(definition, Question(period, ("period",), Grain.MONTH))
    by_month = {cell.dimensions["period"]: cell for cell in months}
    return model.IndicatorValues(indicator(definition), figures(total),
                                 [(month.label, figures(by_month.get(month.label)))
                                  for month in period.split(Grain.MONTH)], manifest)


def _accesses(url: str, period: Period) -> list[AccessCount]:
    since = datetime.combine(period.start, time(), tzinfo=UTC)
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as connection:
        return count_accesses(connection, since, period_closed_at(period))
