"""Agreement and provider indicators on the fixed history, against values computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from tests.metrics.history import A1, A2, P1, P2
from tests.metrics.support import ask, values

pytestmark = pytest.mark.integration


async def test_impact_goals_are_met_by_the_valid_revision_of_each_report(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "impact_goal_achievement", by=["provider"])

    # R1: 4/5 >= 0.6 met; R2's second revision: 2/3 >= 0.5 met.
    assert values(cells) == {(str(P1),): 1.0, (str(P2),): 1.0}
    assert (cells[(str(P1),)].persons, cells[(str(P2),)].persons) == (6, 3)


async def test_impact_goals_as_known_before_and_after_a_rejection(
        history_facts: asyncpg.Pool) -> None:
    submitted = await ask(history_facts, "impact_goal_achievement",
                          as_of=datetime(2026, 5, 6, tzinfo=UTC))
    rejected = await ask(history_facts, "impact_goal_achievement",
                         as_of=datetime(2026, 5, 11, tzinfo=UTC))

    assert (submitted[()].numerator, submitted[()].denominator) == (1, 2)  # R2 1/3 < 0.5
    assert (rejected[()].numerator, rejected[()].denominator) == (1, 1)  # R2 withdrawn


async def test_budget_utilisation_is_spend_over_the_budget_of_the_days_it_runs(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "budget_utilisation", by=["agreement"])
    total = await ask(history_facts, "budget_utilisation")

    a1, a2 = cells[(str(A1),)], cells[(str(A2),)]
    # A1: 90 days * 100 EUR = 9,000; spend 58 h * 50 EUR = 2,900.
    assert (a1.numerator, a1.denominator) == (2900, 9000)
    # A2: suspended in February: 62 days * 200 EUR = 12,400; spend 20 h * 40 EUR = 800.
    assert (a2.numerator, a2.denominator) == (800, 12400)
    assert total[()].value == pytest.approx(3700 / 21400, abs=1e-6)


async def test_capacity_utilisation_is_service_days_over_capacity_days(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "capacity_utilisation", by=["provider"])
    spring = await ask(history_facts, "capacity_utilisation", "2026-04", by=["provider"],
                       threshold=0)

    # A1: s1 54 + s2 52 + s3 38 + s4 31 service-days of 90 * 10.
    assert (cells[(str(P1),)].numerator, cells[(str(P1),)].denominator) == (175, 900)
    # A2: s5 58 service-days of 62 * 5.
    assert (cells[(str(P2),)].numerator, cells[(str(P2),)].denominator) == (58, 310)
    # April: A1's capacity is 20 from the amendment on; only s4 runs (30 days).
    assert (spring[(str(P1),)].numerator, spring[(str(P1),)].denominator) == (30, 600)


async def test_report_timeliness_counts_late_and_missing_reports(
        history_facts: asyncpg.Pool) -> None:
    second = await ask(history_facts, "report_timeliness", "2026-Q2", by=["provider"])
    summer = await ask(history_facts, "report_timeliness", "2026",
                       as_of=datetime(2026, 8, 15, tzinfo=UTC))

    assert values(second) == {(str(P1),): 1.0, (str(P2),): 0.0}  # R2 came late
    assert second[(str(P1),)].persons is None  # it counts reports, not persons
    # By Aug 15, the Q2 reports (due Jul 30) are missing: 1 on time of 4.
    assert (summer[()].numerator, summer[()].denominator) == (1, 4)


async def test_the_gap_between_reported_and_logged_success(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "reported_vs_logged_success_gap", by=["provider"])

    # A1: reported 4/5, logged 1 success of the 3 closures (K1, K2, K3). A2 has no
    # standing closure in Q1 (K5 was reopened), so there is nothing to compare.
    p1 = cells[(str(P1),)]
    assert p1.numerator == 0.8
    assert p1.denominator == pytest.approx(1 / 3, abs=1e-6)
    assert p1.value == pytest.approx(0.8 - 1 / 3, abs=1e-6)
    assert list(cells) == [(str(P1),)]
