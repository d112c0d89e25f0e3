"""Each impact goal (Wirkungsziel) of an agreement against its target, period by period.

The value reached is what the provider's reports say: achieved / measured of the goal's
outcome, summed over the reports whose reporting period ends in the period (their latest
revision unless rejected) — the pairs the impact_goal_achievement indicator counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from services.metrics.indicators.agreements import AgreementRecord, ReportRecord
from services.metrics.periods import Period


def meets(achieved: int, measured: int, goal: dict[str, Any]) -> bool:
    """Whether achieved / measured meets the goal's comparison with its target, exactly
    (as agreement_sql compares it for the impact_goal_achievement indicator)."""
    share, target = Fraction(achieved, measured), Fraction(Decimal(goal["target_value"]))
    if goal["comparison"] == ">=":
        return share >= target
    if goal["comparison"] == "<=":
        return share <= target
    return share == target


@dataclass(frozen=True)
class Standing:
    """One goal in one period: what the reports say, and whether that meets the target."""

    period: str
    reports: int
    achieved: int
    measured: int

    @property
    def value(self) -> float | None:
        return self.achieved / self.measured if self.measured else None


@dataclass(frozen=True)
class GoalStandings:
    goal: dict[str, Any]  # text, indicator_id, comparison, target_value
    standings: list[tuple[Standing, bool | None]]  # met: None when nothing was measured


@dataclass(frozen=True)
class AgreementGoals:
    agreement: AgreementRecord
    goals: list[GoalStandings]


def goals_of(agreements: dict[UUID, AgreementRecord], reports: Sequence[ReportRecord],
             period: Period, buckets: Sequence[Period], *, provider_id: str | None = None,
             agreement_id: UUID | None = None) -> list[AgreementGoals]:
    """The signed agreements running in `period` (a provider's own only), by title, each with
    the goals in force on the period's last day (or the term's) and their standings."""
    chosen = [a for a in agreements.values()
              if a.runs_in(period)
              and (provider_id is None or str(a.provider_id) == provider_id)
              and (agreement_id is None or a.id == agreement_id)]
    chosen.sort(key=lambda a: (str(a.terms.get("title") or ""), str(a.id)))
    by_agreement: dict[UUID, list[ReportRecord]] = {}
    for report in reports:
        by_agreement.setdefault(report.agreement_id, []).append(report)
    return [AgreementGoals(a, _goals(a, by_agreement.get(a.id, []), period, buckets))
            for a in chosen]


def _goals(agreement: AgreementRecord, reports: list[ReportRecord], period: Period,
           buckets: Sequence[Period]) -> list[GoalStandings]:
    last_day: date = min(period.end, agreement.term("term_end", period.end))
    goals: list[dict[str, Any]] = agreement.term("impact_goals", last_day) or []
    result = []
    for goal in goals:
        standings = []
        for bucket in buckets:
            standing = _standing(goal, [r for r in reports if bucket.contains(r.end)], bucket)
            met = meets(standing.achieved, standing.measured, goal) if standing.measured \
                else None
            standings.append((standing, met))
        result.append(GoalStandings(goal, standings))
    return result


def _standing(goal: dict[str, Any], reports: list[ReportRecord], bucket: Period) -> Standing:
    achieved = measured = counted = 0
    for report in reports:
        if report.figures is None:
            continue
        counted += 1
        got, out_of = report.figures.outcomes.get(goal["indicator_id"], (0, 0))
        achieved, measured = achieved + got, measured + out_of
    return Standing(bucket.label, counted, achieved, measured)
