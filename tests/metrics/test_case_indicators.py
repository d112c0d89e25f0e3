"""Case-level indicators on the fixed history, against values computed by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg
import pytest

from tests.metrics.support import ask, values

pytestmark = pytest.mark.integration

# K1: goals w1 at +1 and w2 at 0 -> 50 + 10 * 1 / sqrt(0.7 * 5 + 0.3 * 9)
T_K1 = 50 + 10 / math.sqrt(6.2)


async def test_the_t_score_is_the_mean_over_active_cases_with_reviewed_goals(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "gas_t_score")

    # K1 54.02, K2 40, K3 70, K5 50; K4 has no goals.
    assert cells[()].value == pytest.approx((T_K1 + 40 + 70 + 50) / 4, abs=1e-6)
    assert cells[()].denominator == 4
    assert cells[()].persons == 4


async def test_the_t_score_uses_the_reviews_up_to_each_periods_end(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "gas_t_score", by=["period"])

    # January: no reviews yet; February: only K1's (Feb 20); March: K2, K3, K5 too.
    assert values(cells) == {("2026-02",): pytest.approx(T_K1, abs=1e-6),
                             ("2026-03",): pytest.approx((T_K1 + 40 + 70 + 50) / 4, abs=1e-6)}


async def test_the_share_of_goals_at_or_above_expected_pools_the_goals(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "goals_at_or_above_expected_share", by=["field_of_action"])

    # jugend: K1 2 of 2, K2 0 of 1, K3 1 of 1; wohnen: K5 1 of 1.
    assert (cells[("jugend",)].numerator, cells[("jugend",)].denominator) == (3, 4)
    assert cells[("jugend",)].value == 0.75
    assert cells[("wohnen",)].value == 1.0


async def test_the_case_duration_runs_to_the_closure_or_the_periods_end(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "case_duration_days")

    # K1 59, K2 64, K3 47, K4 44 (to Mar 31), K5 59 (its closure on Mar 5 stood then).
    assert cells[()].numerator == 273
    assert cells[()].value == pytest.approx(54.6, abs=1e-6)


async def test_a_closure_recorded_later_is_not_known_before_it_was_recorded(
        history_facts: asyncpg.Pool) -> None:
    before = await ask(history_facts, "case_duration_days",
                       as_of=datetime(2026, 4, 1, tzinfo=UTC))

    # K3's closure on Mar 20 was recorded on Apr 5: on Apr 1 it ran to Mar 31 (58 days).
    assert before[()].numerator == 273 - 47 + 58
