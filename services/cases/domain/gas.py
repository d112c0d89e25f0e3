"""Goal Attainment Scaling (Kiresuk & Sherman 1968) as pure functions."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

from shared.gas import EXPECTED_LEVEL, RHO

LEVELS = range(-2, 3)
LEVEL_KEYS = tuple(str(level) for level in LEVELS)


def is_level(value: object) -> bool:
    """Whether a value is one of the five levels; True and False are not."""
    return isinstance(value, int) and not isinstance(value, bool) and value in LEVELS


def t_score(goals: Iterable[tuple[Decimal | int | float, int]], rho: float = RHO) -> float:
    """The GAS T-score of (weight, level) pairs.

    T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w*w) + rho * sum(w)**2), where
    rho is the assumed correlation between the goals' scores (0.3 by convention).
    """
    pairs = [(float(weight), level) for weight, level in goals]
    if not pairs:
        raise ValueError("a T-score needs at least one goal")
    weighted_sum = sum(weight * level for weight, level in pairs)
    sum_of_squares = sum(weight * weight for weight, _ in pairs)
    sum_of_weights = sum(weight for weight, _ in pairs)
    spread = math.sqrt((1 - rho) * sum_of_squares + rho * sum_of_weights**2)
    return 50 + 10 * weighted_sum / spread


def share_at_or_above_expected(levels: Iterable[int]) -> float:
    """The share of levels at or above the expected level 0."""
    scored = list(levels)
    if not scored:
        raise ValueError("a share needs at least one level")
    return sum(1 for level in scored if level >= EXPECTED_LEVEL) / len(scored)
