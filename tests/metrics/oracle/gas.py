"""Goal Attainment Scaling (Kiresuk & Sherman 1968): the T-score, as DESIGN defines it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

from shared.gas import RHO


def t_score(goals: Iterable[tuple[Decimal | float, int]], rho: float = RHO) -> float:
    """T = 50 + 10*sum(w_i*x_i) / sqrt((1-rho)*sum(w_i^2) + rho*(sum w_i)^2) of (w, x) pairs."""
    pairs = [(float(weight), level) for weight, level in goals]
    if not pairs:
        raise ValueError("a T-score needs at least one goal")
    weighted = sum(weight * level for weight, level in pairs)
    squares = sum(weight * weight for weight, _ in pairs)
    total = sum(weight for weight, _ in pairs)
    return 50 + 10 * weighted / math.sqrt((1 - rho) * squares + rho * total**2)
