"""Gather what the report states: from the write services' stores, the metrics facts,
the checkpoints topic and the access log. Progress goes to stderr."""

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

from services.metrics.application import Question
from services.metrics.catalog import CATALOG, IndicatorDefinition
from services.metrics.facts.schema import LIVE_SCHEMA
from services.metrics.periods import Grain, Period
from shared.access_log import AccessCount, count_accesses
from wirkung.audit import WRITE_SERVICES, check_chain
from wirkung.environment import required, setting
from wirkung.report.evidence import attested_total, period_closed_at, restatements_of
from wirkung.report.facts import Facts
from wirkung.report.model import IndicatorValues, Report, Restated

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


def gather(period: Period, home: Path) -> Report:
    """Everything the report shows about `period`."""
    chains = []
    for service in WRITE_SERVICES:
        progress(f"Verifying the {service} service's chain ...")
        with reading(f"the {service} database"):
            chains.append(check_chain(service, home))
    threshold = int(setting("WIRKUNG_METRICS_DISCLOSURE_THRESHOLD", home) or 5)
    metrics_url = required("WIRKUNG_METRICS_DATABASE_URL", home)
    progress(f"Computing {len(CATALOG)} indicators for {period.label} ...")
    with reading("the metrics database"):
        indicators, restatements = asyncio.run(_indicators(metrics_url, period, threshold))
    progress("Counting the access log ...")
    cases_url = required("WIRKUNG_CASES_DATABASE_URL", home)
    with reading("the access log in the cases database"):
        accesses = _accesses(cases_url, period)
    made_at = datetime.now(UTC)
    return Report(period, made_at, chains, indicators, period_closed_at(period) <= made_at,
                  restatements, accesses, threshold)


async def _indicators(url: str, period: Period,
                      threshold: int) -> tuple[list[IndicatorValues], list[Restated]]:
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
                  period: Period) -> IndicatorValues:
    total, manifest = await attested_total(facts, definition, period)
    months = await facts.cells(definition, Question(period, ("period",), Grain.MONTH))
    by_month = {cell.dimensions["period"]: cell for cell in months}
    return IndicatorValues(definition, total,
                           [(month, by_month.get(month.label))
                            for month in period.split(Grain.MONTH)], manifest)


def _accesses(url: str, period: Period) -> list[AccessCount]:
    since = datetime.combine(period.start, time(), tzinfo=UTC)
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as connection:
        return count_accesses(connection, since, period_closed_at(period))
