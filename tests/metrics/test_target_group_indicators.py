"""Target-group indicators on the fixed history, against values computed by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import asyncpg
import pytest

from tests.metrics.support import ask, values

pytestmark = pytest.mark.integration

T_K1 = 50 + 10 / math.sqrt(6.2)


async def test_active_cases_count_cases_and_their_distinct_clients(
        history_facts: asyncpg.Pool) -> None:
    quarter = await ask(history_facts, "active_cases")
    year = await ask(history_facts, "active_cases", "2026")

    assert (quarter[()].value, quarter[()].persons) == (5, 5)
    assert (year[()].value, year[()].persons) == (7, 6)  # p1 has K1 and K6


async def test_the_goal_attainment_rate_counts_closed_cases_at_t_50_or_above(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "goal_attainment_rate")

    # Closed in Q1 and still closed: K1 (54.0), K2 (40), K3 (70); K5 was reopened.
    assert (cells[()].numerator, cells[()].denominator) == (2, 3)


async def test_the_mean_t_score_at_closure_as_known_then_and_now(
        history_facts: asyncpg.Pool) -> None:
    now = await ask(history_facts, "mean_t_score_at_closure")
    then = await ask(history_facts, "mean_t_score_at_closure",
                     as_of=datetime(2026, 4, 1, tzinfo=UTC))

    assert now[()].value == pytest.approx((T_K1 + 40 + 70) / 3, abs=1e-6)
    # On Apr 1, K3's closure was unknown and K5 (50 at its closure) not yet reopened.
    assert then[()].value == pytest.approx((T_K1 + 40 + 50) / 3, abs=1e-6)


async def test_the_planned_closure_rate_counts_both_planned_reasons(
        history_facts: asyncpg.Pool) -> None:
    quarter = await ask(history_facts, "planned_closure_rate")
    second = await ask(history_facts, "planned_closure_rate", "2026-Q2")

    assert (quarter[()].numerator, quarter[()].denominator) == (2, 3)  # K1, K3 of K1-K3
    assert values(second) == {(): 1.0}  # K7


async def test_re_entry_counts_a_reopening_and_a_new_case_of_the_same_client(
        history_facts: asyncpg.Pool) -> None:
    quarter = await ask(history_facts, "reentry_rate_12m")
    year = await ask(history_facts, "reentry_rate_12m", "2026")

    # Q1: K5 reopened on May 1, p1 came back with K6 on Jun 1. K7 (May 20) did not return.
    assert (quarter[()].numerator, quarter[()].denominator) == (2, 2)
    assert (year[()].numerator, year[()].denominator) == (2, 3)


async def test_the_median_duration_of_closed_cases(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "median_case_duration_days")

    assert (cells[()].value, cells[()].denominator) == (59, 3)  # 47, 59, 64


async def test_days_to_first_service_from_opening(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "days_to_first_service")

    # K1 5, K2 12, K3 9, K4 14, K5 1
    assert (cells[()].numerator, cells[()].denominator) == (41, 5)
    assert cells[()].value == pytest.approx(8.2, abs=1e-6)


async def test_cost_per_successful_outcome_prices_deliveries_at_the_agreed_price(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "cost_per_successful_outcome")

    # K1 20 h, K2 30 h, K3 8 h at 50 EUR = 2,900 EUR; one success (K1).
    assert (cells[()].numerator, cells[()].denominator) == (2900, 1)
    assert cells[()].value == 2900
