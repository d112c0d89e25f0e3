"""What a case tells about its progress: the GAS T-score now and after each review, the
share of goals at or above the expected level, the duration. Read-only, from its state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.cases.domain.gas import share_at_or_above_expected, t_score
from services.cases.domain.plan import Goal


@dataclass(frozen=True)
class ScorePoint:
    """The case's GAS T-score as it stood after one review."""

    occurred_on: date
    t_score: float


class CaseProgress:
    """The queries of a case (the Case aggregate holds the state they read)."""

    goals: dict[UUID, Goal]
    opened_on: date
    closed_on: date | None

    def latest_levels(self) -> dict[UUID, int]:
        """The latest review level of each goal reviewed so far; a withdrawn goal never
        counts, as it was set wrongly."""
        return {goal_id: goal.latest_level for goal_id, goal in self.goals.items()
                if goal.latest_level is not None and not goal.withdrawn}

    def gas_t_score(self) -> float | None:
        """The GAS T-score over the reviewed goals; None before the first review."""
        return _score(self.goals, self.latest_levels())

    def t_score_history(self) -> list[ScorePoint]:
        """The T-score after each review of a goal that counts, by the day reviewed
        (reviews of one day in the order recorded), so that a review logged late lands
        where it happened on a chart."""
        reviews = sorted((review.occurred_on, review.version, goal_id, review.level)
                         for goal_id, goal in self.goals.items() if not goal.withdrawn
                         for review in goal.reviews)
        levels: dict[UUID, int] = {}
        points = []
        for occurred_on, _, goal_id, level in reviews:
            levels[goal_id] = level
            points.append(ScorePoint(occurred_on, t_score(
                (self.goals[scored].weight, at) for scored, at in levels.items())))
        return points

    def share_of_goals_at_or_above_expected(self) -> float | None:
        """The share of reviewed goals at level 0 or above; None before the first review."""
        levels = self.latest_levels()
        return share_at_or_above_expected(levels.values()) if levels else None

    def duration_days(self, until: date) -> int:
        """Days from opening to closure, or to `until` if that comes first or the case is open."""
        end = until if self.closed_on is None else min(self.closed_on, until)
        return (end - self.opened_on).days


def _score(goals: Mapping[UUID, Goal], levels: Mapping[UUID, int]) -> float | None:
    if not levels:
        return None
    return t_score((goals[goal_id].weight, level) for goal_id, level in levels.items())
