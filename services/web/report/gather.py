"""Gather the auditor's report from the services' public APIs, with the auditor's token.

What `wirkung audit report` reads from the databases, asked of the APIs instead: a fresh
verification of both write services' chains (`POST /audit/chain/verification`), each
indicator of the catalog for the period and its months with the manifest
(`GET /indicators/{id}`), its restatements once the period has ended
(`GET /indicators/{id}/restatements`), and the access logs counted by role and
purpose (`GET /access-log/counts`). Every rule of scope and logging holds, because the
APIs apply it; a service that refuses or does not answer ends the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from time import monotonic
from typing import Any, TypeVar

from services.web.clients import JSON, HistoryReads, ServiceError, Services
from shared.access_log import AccessCount
from shared.audit.verify import Finding
from shared.clock import Clock, SystemClock
from shared.report.model import (
    Accesses,
    ChainStatus,
    Figures,
    Indicator,
    IndicatorValues,
    Report,
    ReportPeriod,
    Restated,
    Restatement,
)

T = TypeVar("T")
MOMENTS_EXAMINED = 50  # per indicator, as `wirkung audit report` examines them
EVENTS_NAMED = 3  # per restatement; the rest are counted
CHAIN_WAIT = 10.0  # seconds a chain call waits for a verification (below the client's timeout)
CHAIN_PATIENCE = 900.0  # seconds a verification may take before the report gives up on it
READ_TIMEOUT = 300.0  # seconds one answer may take (a city's restatements are slow to find)
WRITE_SERVICES = ("agreements", "cases")


class ReportFailed(Exception):
    """A service refused or did not answer: the report cannot be made."""

    def __init__(self, service: str, error: ServiceError) -> None:
        super().__init__(f"{service}: {error}")
        self.service = service
        self.error = error


@dataclass
class Progress:
    """How far the report has come: steps done of all, and the stage it is in."""

    done: int = 0
    total: int = 0
    stage: str = "catalog"  # catalog, chains, indicators, accesses, writing


async def asking(service: str, call: Awaitable[T]) -> T:
    """One call of a service; its refusal or silence ends the report, naming the service."""
    try:
        return await call
    except ServiceError as error:
        raise ReportFailed(service, error) from error


async def gather_patiently(services: Services, token: str, period: ReportPeriod,
                           progress: Progress, *, clock: Clock | None = None) -> Report:
    """`gather_report` over clients of its own that wait `READ_TIMEOUT` for each answer."""
    patient = services.patient(READ_TIMEOUT)
    try:
        return await gather_report(patient, token, period, progress, clock=clock)
    finally:
        await patient.close()


async def gather_report(services: Services, token: str, period: ReportPeriod,
                        progress: Progress, *, clock: Clock | None = None) -> Report:
    """Everything the report shows about `period`, as the APIs answer the token's holder,
    at the moment `clock` says (the system's by default)."""
    clock = clock or SystemClock()
    catalog = await asking("metrics", services.metrics.catalog(token))
    progress.total = len(WRITE_SERVICES) * 2 + len(catalog)
    progress.stage = "chains"
    writers: dict[str, HistoryReads] = {"agreements": services.agreements,
                                        "cases": services.cases}
    chains = list(await asyncio.gather(*(_chain(name, client, token, progress)
                                         for name, client in writers.items())))
    progress.stage = "indicators"
    ended = period.closes_at <= clock.now()
    indicators, restated, thresholds = [], [], [0]
    for entry in catalog:
        values, threshold = await _values(services, token, Indicator.of(entry), period)
        indicators.append(values)
        thresholds.append(threshold)
        restated.append(await _restated(services, token, values.indicator.id, period)
                        if ended else Restated(values.indicator.id, None, None, [], 0, 0))
        progress.done += 1
    progress.stage = "accesses"
    accesses = [await _accesses(name, client, token, period, progress)
                for name, client in writers.items()]
    return Report(period, clock.now(), chains, indicators, ended, restated, accesses,
                  max(thresholds))


async def _chain(service: str, client: HistoryReads, token: str,
                 progress: Progress) -> ChainStatus:
    """A verification started now (or the one under way), once it has finished."""
    answer = await asking(service, client.verify_chain(token, wait=CHAIN_WAIT))
    deadline = monotonic() + CHAIN_PATIENCE
    while answer.get("running_since") or not answer.get("verification"):
        if monotonic() > deadline:
            return ChainStatus(service, 0, 0, 0, 0, 0, (),
                               failure=f"no verification finished within {CHAIN_PATIENCE:g} s")
        answer = await asking(service, client.audit_chain(token, wait=CHAIN_WAIT))
    progress.done += 1
    return chain_status(service, answer["verification"])


def chain_status(service: str, verification: JSON) -> ChainStatus:
    """A finished verification as `GET /audit/chain` gives it."""
    findings = tuple(str(Finding(f["position"], f["aggregate_id"], f["problem"]))
                     for f in verification["findings"])
    return ChainStatus(service, verification["events"], verification["chained"],
                       verification["checkpoints_valid"], verification["kept"],
                       verification["published"], findings, failure=verification["failure"])


async def _values(services: Services, token: str, indicator: Indicator,
                  period: ReportPeriod) -> tuple[IndicatorValues, int]:
    """The whole period with its manifest, and each month; the answer's threshold."""
    whole, monthly = await asyncio.gather(
        asking("metrics", services.metrics.indicator(token, indicator.id, period=period.label)),
        asking("metrics", services.metrics.indicator(token, indicator.id, period=period.label,
                                                     by="period", grain="month")))
    total = Figures.of(whole["cells"][0]) if whole["cells"] else None
    by_month = {str(cell["period"]): Figures.of(cell) for cell in monthly["cells"]}
    values = IndicatorValues(indicator, total,
                             [(month, by_month.get(month)) for month in period.months],
                             whole["manifest"])
    return values, int(whole["disclosure_threshold"])


async def _restated(services: Services, token: str, indicator: str,
                    period: ReportPeriod) -> Restated:
    found = await asking("metrics", services.metrics.restatements(
        token, indicator, period=period.label, limit=MOMENTS_EXAMINED))
    changes = [Restatement(indicator, period.label, datetime.fromisoformat(moment["recorded_at"]),
                           _figures(change["before"]), _figures(change["after"]),
                           named_events(moment))
               for moment in found["restatements"] for change in moment["changes"]]
    first = found["first_known"]
    return Restated(indicator, datetime.fromisoformat(found["first_known_at"]),
                    Figures.of(first[0]) if first else None, changes,
                    found["moments_examined"], found["moments_left"])


def _figures(cell: Mapping[str, Any] | None) -> Figures | None:
    return None if cell is None else Figures.of(cell)


def named_events(moment: JSON) -> tuple[str, ...]:
    """The events of a restatement as the report names them: the first few, then a count."""
    events = moment["events"]
    names = [f"{event['type'].rsplit('.', 2)[-2]} {event['aggregate_id']} v{event['version']} "
             f"(id {event['id']})" for event in events[:EVENTS_NAMED]]
    names += [f"population import: {source}" for source in moment["population_imports"]]
    more = len(events) - EVENTS_NAMED + int(moment.get("withheld_events") or 0)
    if more > 0:
        names.append(f"+{more} more")
    return tuple(names)


async def _accesses(service: str, client: HistoryReads, token: str, period: ReportPeriod,
                    progress: Progress) -> Accesses:
    since = datetime.combine(period.start, time(), tzinfo=UTC)
    answer = await asking(service, client.access_counts(
        token, since=since.isoformat(), until=period.closes_at.isoformat()))
    progress.done += 1
    return Accesses(service, [AccessCount(c["role"], c["purpose"], c["granted"], c["refused"])
                              for c in answer["counts"]])
