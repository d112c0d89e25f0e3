"""GAS T-scores checked against values worked out by hand.

T = 50 + 10·Σwx / sqrt((1-rho)·Σw² + rho·(Σw)²), with rho = 0.3 unless said otherwise.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.cases.domain.gas import share_at_or_above_expected, t_score


def test_one_goal_one_level_above_expected_scores_60() -> None:
    # Σwx = 1, Σw² = 1, (Σw)² = 1 → sqrt(0.7·1 + 0.3·1) = 1 → T = 50 + 10·1/1 = 60
    assert t_score([(1, 1)]) == pytest.approx(60.0)


def test_goals_all_at_the_expected_level_score_50() -> None:
    # Σwx = 0 → T = 50, whatever the denominator
    assert t_score([(1, 0), (1, 0), (2, 0)]) == pytest.approx(50.0)


def test_three_unweighted_goals_at_0_plus_1_and_plus_2() -> None:
    # Σwx = 0 + 1 + 2 = 3, Σw² = 3, (Σw)² = 9
    # sqrt(0.7·3 + 0.3·9) = sqrt(2.1 + 2.7) = sqrt(4.8) = 2.190890
    # T = 50 + 10·3/2.190890 = 50 + 13.693064 = 63.693064
    assert t_score([(1, 0), (1, 1), (1, 2)]) == pytest.approx(63.693064)


def test_three_unweighted_goals_all_at_minus_2() -> None:
    # Σwx = -6, Σw² = 3, (Σw)² = 9 → sqrt(4.8) = 2.190890
    # T = 50 - 60/2.190890 = 50 - 27.386128 = 22.613872
    assert t_score([(1, -2), (1, -2), (1, -2)]) == pytest.approx(22.613872)


def test_a_heavier_goal_above_expected_outweighs_a_lighter_one_below() -> None:
    # (w=2, x=+1), (w=1, x=-1): Σwx = 2 - 1 = 1, Σw² = 4 + 1 = 5, (Σw)² = 9
    # sqrt(0.7·5 + 0.3·9) = sqrt(3.5 + 2.7) = sqrt(6.2) = 2.489980
    # T = 50 + 10·1/2.489980 = 50 + 4.016097 = 54.016097
    assert t_score([(2, 1), (1, -1)]) == pytest.approx(54.016097)


def test_decimal_weights() -> None:
    # (1.5, +2), (0.5, 0), (1, -1): Σwx = 3 + 0 - 1 = 2
    # Σw² = 2.25 + 0.25 + 1 = 3.5, Σw = 3 → (Σw)² = 9
    # sqrt(0.7·3.5 + 0.3·9) = sqrt(2.45 + 2.7) = sqrt(5.15) = 2.269361
    # T = 50 + 10·2/2.269361 = 50 + 8.813053 = 58.813053
    goals = [(Decimal("1.5"), 2), (Decimal("0.5"), 0), (Decimal(1), -1)]

    assert t_score(goals) == pytest.approx(58.813053)


def test_a_single_goal_scores_the_same_whatever_its_weight() -> None:
    # (w=3, x=-2): Σwx = -6, Σw² = 9, (Σw)² = 9 → sqrt(0.7·9 + 0.3·9) = 3
    # T = 50 - 60/3 = 30
    assert t_score([(3, -2)]) == pytest.approx(30.0)


def test_scaling_all_weights_leaves_the_score_unchanged() -> None:
    goals = [(1, 2), (2, -1), (3, 0)]

    assert t_score([(10 * w, x) for w, x in goals]) == pytest.approx(t_score(goals))


def test_rho_is_the_assumed_correlation_between_goals() -> None:
    # rho = 0, (1, +1), (1, +1): Σwx = 2, sqrt(1·2 + 0·4) = sqrt(2) = 1.414214
    # T = 50 + 20/1.414214 = 50 + 14.142136 = 64.142136
    assert t_score([(1, 1), (1, 1)], rho=0.0) == pytest.approx(64.142136)


def test_a_score_without_goals_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one goal"):
        t_score([])


def test_share_of_levels_at_or_above_expected() -> None:
    # -1 is below, 0 and +2 are at or above → 2 of 3
    assert share_at_or_above_expected([-1, 0, 2]) == pytest.approx(2 / 3)
