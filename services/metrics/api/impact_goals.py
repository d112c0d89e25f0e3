"""HTTP route of the impact goals against their targets, per agreement and period."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query

from services.metrics.api.answers import (
    AgreementGoalsOut,
    GoalStandingOut,
    ImpactGoalOut,
    ImpactGoalsOut,
)
from services.metrics.api.dependencies import indicators, pool
from services.metrics.application import Indicators
from services.metrics.indicators.agreements import FAR_FUTURE
from services.metrics.indicators.impact_goals import AgreementGoals, goals_of
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.periods import PERIOD_PATTERN, Grain, InvalidPeriod, parse_period
from shared.auth import Principal, Role, require
from shared.http import Moment
from shared.problems import Forbidden, Problem

router = APIRouter(tags=["indicators"])


@router.get("/impact-goals", response_model=ImpactGoalsOut,
            summary="Impact goals of the agreements against their targets")
async def read_impact_goals(
    principal: Annotated[Principal, Depends(require(Role.CONTRACT_MANAGER, Role.AUDITOR,
                                                    Role.PROVIDER))],
    facts: Annotated[asyncpg.Pool, Depends(pool)],
    application: Annotated[Indicators, Depends(indicators)],
    period: Annotated[str | None, Query(
        pattern=PERIOD_PATTERN, description="2026-03, 2026-Q1 or 2026; default: "
                                       "this year.", examples=["2026"])] = None,
    grain: Annotated[Grain | None, Query(description="Each goal per period of this size; "
                                         "default: the period as a whole.")] = None,
    agreement: Annotated[UUID | None, Query(description="Only this agreement.")] = None,
    as_of: Annotated[Moment | None, Query(description="Only facts recorded up to this "
                                            "time.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ImpactGoalsOut:
    """Per agreement (by title) each goal's value reached as its provider's reports say it
    (achieved / measured), and whether that meets the target. A provider sees its own
    agreements only."""
    try:
        chosen = parse_period(period or application.this_year())
    except (InvalidPeriod, ValueError) as error:  # ValueError: a year such as 0000
        raise Problem(str(error), status=422, title="Invalid period") from error
    provider = principal.provider_id if principal.role is Role.PROVIDER else None
    if principal.role is Role.PROVIDER and not provider:
        raise Forbidden("A provider token without a provider id reads nothing.")
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    async with facts.acquire() as connection:
        knowledge = Knowledge(connection, as_of)
        found = goals_of(await knowledge.agreements(), await knowledge.reports(), chosen,
                         chosen.split(grain) if grain else [chosen], provider_id=provider,
                         agreement_id=agreement)
    return ImpactGoalsOut(period=chosen.label, grain=grain, total=len(found),
                          as_of=None if as_of is None else as_of.isoformat(),
                          agreements=[_out(a) for a in found[offset:offset + limit]])


def _out(found: AgreementGoals) -> AgreementGoalsOut:
    agreement = found.agreement
    return AgreementGoalsOut(
        agreement=str(agreement.id), provider=str(agreement.provider_id),
        title=str(agreement.terms.get("title") or ""),
        term_start=agreement.terms["term_start"].isoformat(),
        term_end=agreement.term("term_end", FAR_FUTURE).isoformat(),
        goals=[ImpactGoalOut(
            text=g.goal["text"], indicator_id=g.goal["indicator_id"],
            comparison=g.goal["comparison"], target_value=str(g.goal["target_value"]),
            periods=[GoalStandingOut(period=s.period, reports=s.reports, achieved=s.achieved,
                                     measured=s.measured, value=s.value, met=met)
                     for s, met in g.standings])
              for g in found.goals])
