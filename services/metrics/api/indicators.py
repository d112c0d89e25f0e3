"""HTTP routes of the indicators: the catalog, one indicator's values and their restatements."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Query

from services.metrics.api.answers import (
    CellChangeOut,
    EventOut,
    IndicatorOut,
    IndicatorValues,
    RestatementOut,
    RestatementsOut,
)
from services.metrics.api.dependencies import indicators, pool
from services.metrics.application import Indicators
from services.metrics.catalog import CATALOG, IndicatorDefinition, Level
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, UnknownDimension
from services.metrics.indicators.moments import EventRef
from services.metrics.indicators.restatements import DEFAULT_LIMIT, Restatement
from services.metrics.periods import PERIOD_PATTERN, Grain, InvalidPeriod, parse_period
from shared.auth import Principal, Role, require
from shared.http import Moment
from shared.problems import Forbidden, NotFound, Problem

router = APIRouter(tags=["indicators"])
READERS = (Role.CASEWORKER, Role.CONTRACT_MANAGER, Role.AUDITOR, Role.PROVIDER)


def _visible(definition: IndicatorDefinition, principal: Principal) -> bool:
    return principal.role is not Role.PROVIDER or definition.level is Level.AGREEMENT


@router.get("/indicators", response_model=list[IndicatorOut], summary="The indicator catalog")
async def list_indicators(
    principal: Annotated[Principal, Depends(require(*READERS))],
) -> list[IndicatorOut]:
    return [IndicatorOut.of(d) for d in CATALOG.values() if _visible(d, principal)]


@router.get("/indicators/{indicator_id}", response_model=IndicatorValues,
            summary="Values of one indicator")
async def read_indicator(
    indicator_id: str,
    principal: Annotated[Principal, Depends(require(*READERS))],
    facts: Annotated[asyncpg.Pool, Depends(pool)],
    application: Annotated[Indicators, Depends(indicators)],
    period: Annotated[str | None, Query(
        pattern=PERIOD_PATTERN, description="2026-03, 2026-Q1 or 2026; default: "
                                       "this year.", examples=["2026-Q1"])] = None,
    by: Annotated[str, Query(description="Comma-separated dimensions.",
                             examples=["provider,district"])] = "",
    grain: Annotated[Grain | None, Query(description="Size of the periods when by names "
                                         "period; default: the next finer.")] = None,
    as_of: Annotated[Moment | None, Query(description="Only facts recorded up to this "
                                            "time.", examples=["2026-04-30T00:00:00Z"])] = None,
) -> IndicatorValues:
    definition = _readable(indicator_id, principal)
    question = _question(period, by, grain, as_of, principal, application.this_year())
    async with facts.acquire() as connection:
        try:
            attested = await application.attested(connection, definition, question,
                                                  perturbed=_perturbed(principal))
        except UnknownDimension as error:
            raise Problem(str(error), status=422, title="Unknown dimension") from error
    manifest = attested.manifest
    return IndicatorValues(
        indicator=str(definition.id), version=definition.version,
        definition_hash=definition.definition_hash, period=question.period.label,
        by=list(question.by), as_of=None if as_of is None else as_of.isoformat(),
        disclosure_threshold=manifest.disclosure_threshold,
        perturbed=manifest.perturbation is not None,
        cells=[cell.as_json() for cell in attested.cells],
        input_positions=manifest.input_positions, manifest=manifest,
    )


@router.get("/indicators/{indicator_id}/restatements", response_model=RestatementsOut,
            summary="How one indicator's values for a period changed after it closed")
async def read_restatements(
    indicator_id: str,
    principal: Annotated[Principal, Depends(require(*READERS))],
    facts: Annotated[asyncpg.Pool, Depends(pool)],
    application: Annotated[Indicators, Depends(indicators)],
    period: Annotated[str, Query(
        pattern=PERIOD_PATTERN, description="2026-03, 2026-Q1 or 2026.",
                                 examples=["2026-Q1"])],
    by: Annotated[str, Query(description="Comma-separated dimensions.",
                             examples=["agreement"])] = "",
    grain: Annotated[Grain | None, Query(description="Size of the periods when by names "
                                         "period; default: the next finer.")] = None,
    as_of: Annotated[Moment | None, Query(description="Only facts recorded up to this "
                                            "time.", examples=["2026-06-30T00:00:00Z"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many later moments "
                                "are examined.")] = DEFAULT_LIMIT,
) -> RestatementsOut:
    """The values first known when the period closed, then each later change to them.

    A change names the events recorded at that moment: late or corrected
    reports, their reviews, late case events, amendments.
    """
    definition = _readable(indicator_id, principal)
    question = _question(period, by, grain, as_of, principal, application.this_year())
    threshold = application.threshold
    async with facts.acquire() as connection, connection.transaction(
            isolation="repeatable_read", readonly=True):
        try:
            found = await application.restatements(connection, definition, question, limit,
                                                   perturbed=_perturbed(principal))
        except UnknownDimension as error:
            raise Problem(str(error), status=422, title="Unknown dimension") from error
    return RestatementsOut(
        indicator=str(definition.id), version=definition.version,
        definition_hash=definition.definition_hash, period=question.period.label,
        by=list(question.by), as_of=None if as_of is None else as_of.isoformat(),
        disclosure_threshold=threshold if definition.counts_persons else 0,
        perturbed=_perturbed(principal) and definition.counts_persons,
        first_known_at=found.first_known_at.isoformat(),
        first_known=[cell.as_json() for cell in found.first_known],
        restatements=[_restatement(r, principal) for r in found.restatements],
        limit=limit, moments_examined=found.examined, moments_left=found.left,
    )


def _perturbed(principal: Principal) -> bool:
    """Every reader but the auditor (who verifies, and whose reads are logged) sees perturbed
    figures, so that no withheld cell can be recovered by differencing."""
    return principal.role is not Role.AUDITOR


def _restatement(restatement: Restatement, principal: Principal) -> RestatementOut:
    moment = restatement.moment
    named = [event for event in moment.events if _may_name(event, principal)]
    return RestatementOut(
        recorded_at=moment.at.isoformat(),
        changes=[CellChangeOut(dimensions=change.dimensions,
                               before=None if change.before is None else _values(change.before),
                               after=None if change.after is None else _values(change.after))
                 for change in restatement.changes],
        events=[EventOut(id=e.id, type=e.type, aggregate_id=e.aggregate_id, version=e.version)
                for e in named],
        withheld_events=len(moment.events) - len(named),
        population_imports=moment.population_imports,
    )


def _values(cell: Cell) -> dict[str, Any]:
    return {name: value for name, value in cell.as_json().items()
            if name not in cell.dimensions}


def _may_name(event: EventRef, principal: Principal) -> bool:
    """Auditors see every event; a case's only its team; a provider's only its own."""
    if principal.role is Role.AUDITOR:
        return True
    if event.kind == "case":
        return principal.role is Role.CASEWORKER and event.team == principal.team
    return principal.role is not Role.PROVIDER or event.provider_id == principal.provider_id


def _readable(indicator_id: str, principal: Principal) -> IndicatorDefinition:
    definition = CATALOG.get(indicator_id)
    if definition is None:
        raise NotFound(f"No indicator {indicator_id}.")
    if not _visible(definition, principal):
        raise Forbidden("Providers read the indicators of their own agreements only.")
    return definition


def _question(period: str | None, by: str, grain: Grain | None, as_of: datetime | None,
              principal: Principal, this_year: str) -> Question:
    try:
        chosen = parse_period(period or this_year)
    except InvalidPeriod as error:
        raise Problem(str(error), status=422, title="Invalid period") from error
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    dimensions = tuple(name.strip() for name in by.split(",") if name.strip())
    provider = principal.provider_id if principal.role is Role.PROVIDER else None
    if principal.role is Role.PROVIDER and not provider:
        raise Forbidden("A provider token without a provider id reads nothing.")
    return Question(chosen, dimensions, grain, as_of, provider)
