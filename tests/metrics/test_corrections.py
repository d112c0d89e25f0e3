"""Corrections on the fixed history: goals withdrawn and deliveries reversed no longer count.

On top of `history.fixed_history`, recorded in April:

    04-15  K1's goal g2 (w2, reviewed 0) and K2's only goal g3 (reviewed -1) withdrawn
    04-16  K1's February delivery (10 h) and K3's (8 h), both under A1, reversed

Each test computes its values by hand, now and as known before the corrections.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import asyncpg
import pytest

from services.metrics.catalog import CATALOG
from services.metrics.indicators.engine import Question
from services.metrics.indicators.restatements import restatements
from services.metrics.periods import parse_period
from shared.contracts import DeliveryReversed, GoalWithdrawn
from shared.envelope import Envelope, event_id
from tests.metrics.history import A1, History, d, fixed_history, uid
from tests.metrics.support import ask, facts_of
from tests.support import Infrastructure, new_database

pytestmark = pytest.mark.integration

BEFORE = datetime(2026, 4, 10, tzinfo=UTC)
T_K1_BEFORE = 50 + 10 / math.sqrt(6.2)  # g1 (w1) +1 and g2 (w2) 0
T_K1_AFTER = 60.0  # g1 alone: 50 + 10 * 1 / sqrt(0.7 * 1 + 0.3 * 1)


def corrected_history() -> History:
    h = fixed_history()
    for case, goal in (("K1", "g2"), ("K2", "g3")):
        h.add("cases", uid(case), GoalWithdrawn(case_id=uid(case), goal_id=uid(goal),
                                                occurred_on=d(4, 15), actor="cw-1"))
    for case, service, units in (("K1", "s1", "10"), ("K3", "s3", "8")):
        h.add("cases", uid(case), DeliveryReversed(
            case_id=uid(case), service_id=uid(service), delivery_id=uid(f"{case}-Feb"),
            period="2026-02", units=units, occurred_on=d(4, 16), actor="cw-1"))
    return h


@pytest.fixture(scope="module")
async def corrected(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await facts_of(await new_database(infrastructure), corrected_history())
    yield pool
    await pool.close()


def envelopes_of(contract: type[GoalWithdrawn | DeliveryReversed]) -> list[Envelope]:
    return [envelope for _, envelope in corrected_history().envelopes
            if envelope.type == contract.ce_type()]


async def restated_events(pool: asyncpg.Pool, indicator: str,
                          by: Sequence[str] = ()) -> list[list[str]]:
    """The event ids named by each restatement of the first quarter."""
    question = Question(parse_period("2026-Q1"), tuple(by), None, None, None)
    async with pool.acquire() as connection, connection.transaction(
            isolation="repeatable_read", readonly=True):
        found = await restatements(connection, CATALOG[indicator], question, 1)
    return [[event.id for event in r.moment.events] for r in found.restatements]


async def test_a_withdrawn_goal_leaves_the_t_score_and_a_case_without_goals_drops_out(
        corrected: asyncpg.Pool) -> None:
    now = await ask(corrected, "gas_t_score")
    before = await ask(corrected, "gas_t_score", as_of=BEFORE)

    # K1 60 (g1 alone), K2 none left, K3 70, K5 50.
    assert now[()].value == pytest.approx(60.0)
    assert now[()].denominator == 3
    assert before[()].value == pytest.approx((T_K1_BEFORE + 40 + 70 + 50) / 4)
    assert before[()].denominator == 4


async def test_a_withdrawn_goal_leaves_the_share_of_goals_at_or_above_expected(
        corrected: asyncpg.Pool) -> None:
    cells = await ask(corrected, "goals_at_or_above_expected_share", by=["field_of_action"])

    # jugend: K1 g1 +1 and K3 g4 +2 are left, both at or above 0 (before: 3 of 4).
    assert (cells[("jugend",)].numerator, cells[("jugend",)].denominator) == (2, 2)


async def test_withdrawn_goals_leave_the_closure_indicators(corrected: asyncpg.Pool) -> None:
    rate = await ask(corrected, "goal_attainment_rate")
    mean = await ask(corrected, "mean_t_score_at_closure")

    # Closed in Q1: K1 (60) and K3 (70); K2 has no goal left to score.
    assert (rate[()].numerator, rate[()].denominator) == (2, 2)
    assert mean[()].value == pytest.approx((T_K1_AFTER + 70) / 2)


async def test_a_reversed_delivery_no_longer_counts_in_budget_or_cost(
        corrected: asyncpg.Pool) -> None:
    budget = await ask(corrected, "budget_utilisation", by=["agreement"])
    budget_before = await ask(corrected, "budget_utilisation", by=["agreement"], as_of=BEFORE)
    cost = await ask(corrected, "cost_per_successful_outcome")
    capacity = await ask(corrected, "capacity_utilisation", by=["agreement"])

    a1, a1_before = budget[(str(A1),)], budget_before[(str(A1),)]
    # A1 in Q1: K1 10 h (its 10 h of February reversed) + K2 30 h at 50 EUR; K3's 8 h reversed.
    assert (a1.numerator, a1.denominator, a1.persons) == (2000, 9000, 2)
    assert (a1_before.numerator, a1_before.persons) == (2900, 3)
    assert (cost[()].numerator, cost[()].denominator) == (2000, 1)
    # Capacity counts the days services ran, not units: a reversal does not change it.
    assert (capacity[(str(A1),)].numerator, capacity[(str(A1),)].denominator) == (175, 900)


async def test_the_corrections_are_named_by_the_restatements_they_cause(
        corrected: asyncpg.Pool) -> None:
    withdrawals = [event_id(e.subject, e.aggregate_version) for e in envelopes_of(GoalWithdrawn)]
    reversals = [event_id(e.subject, e.aggregate_version) for e in envelopes_of(DeliveryReversed)]

    scores = await restated_events(corrected, "gas_t_score")
    budget = await restated_events(corrected, "budget_utilisation", ["agreement"])

    assert scores[-2:] == [[withdrawals[0]], [withdrawals[1]]]
    assert budget[-2:] == [[reversals[0]], [reversals[1]]]

