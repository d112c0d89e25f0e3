"""The GAS T-score of the oracle agrees with DESIGN's formula (case_sql is checked against
the oracle in test_in_database)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tests.metrics.oracle.gas import t_score


def test_all_goals_at_the_expected_level_score_50() -> None:
    assert t_score([(1, 0), (2, 0)]) == 50


def test_one_goal_scores_ten_points_a_level() -> None:
    assert t_score([(1, 2)]) == 70
    assert t_score([(Decimal("1.5"), -1)]) == 40


def test_weights_and_the_correlation_rho_enter_the_spread() -> None:
    # sum(w*x) = 1*1 + 2*0 = 1; sqrt(0.7 * (1 + 4) + 0.3 * 3 ** 2) = sqrt(6.2)
    assert t_score([(1, 1), (2, 0)]) == pytest.approx(50 + 10 / math.sqrt(6.2))


def test_no_goal_has_no_score() -> None:
    with pytest.raises(ValueError, match="at least one goal"):
        t_score([])
