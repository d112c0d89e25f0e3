"""Every dimension cuts the fixed history as computed by hand; small cells are withheld."""

from __future__ import annotations

import asyncpg
import pytest

from services.metrics.indicators.engine import UnknownDimension
from services.metrics.periods import Grain
from tests.metrics.history import A1, A2, P1, P2
from tests.metrics.support import ask, values

pytestmark = pytest.mark.integration

# Active in Q1: K1-K4 (jugend, A1 of P1) and K5 (wohnen, A2 of P2).
CUTS = {
    "field_of_action": {("jugend",): 4, ("wohnen",): 1},
    "target_group": {("Familien",): 4, ("Alleinerziehende",): 1, ("Senioren",): 1},
    "district": {("Nordstadt",): 2, ("Südstadt",): 2, ("Oststadt",): 1},
    "age_band": {("14-17",): 3, ("6-13",): 1, ("65+",): 1},
    "provider": {(str(P1),): 4, (str(P2),): 1},
    "agreement": {(str(A1),): 4, (str(A2),): 1},
    "budget_product": {("3.6.3.01",): 4, ("3.1.1.01",): 1},
    "period": {("2026-01",): 3, ("2026-02",): 5, ("2026-03",): 5},
}


@pytest.mark.parametrize("dimension", list(CUTS))
async def test_active_cases_along_each_dimension(history_facts: asyncpg.Pool,
                                                 dimension: str) -> None:
    cells = await ask(history_facts, "active_cases", by=[dimension])

    assert values(cells) == CUTS[dimension]


async def test_two_dimensions_make_one_cell_per_combination(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases", by=["field_of_action", "district"])

    assert values(cells) == {("jugend", "Nordstadt"): 2, ("jugend", "Südstadt"): 2,
                             ("wohnen", "Oststadt"): 1}


async def test_a_year_by_quarter(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases", "2026", by=["period"],
                      grain=Grain.QUARTER)

    # Q2: K4, K5 (reopened), K6, K7; Q3 and Q4: K4, K5, K6.
    assert values(cells) == {("2026-Q1",): 5, ("2026-Q2",): 4, ("2026-Q3",): 3,
                             ("2026-Q4",): 3}


async def test_a_cell_of_fewer_persons_than_the_threshold_is_withheld_and_flagged(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases", by=["field_of_action"], threshold=3)

    assert (cells[("jugend",)].value, cells[("jugend",)].persons) == (4, 4)
    withheld = cells[("wohnen",)]
    assert withheld.suppressed is True
    assert (withheld.value, withheld.numerator, withheld.denominator, withheld.persons) == (
        None, None, None, None)


async def test_the_threshold_counts_persons_not_cases(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases", "2026", by=["district"], threshold=3)

    # Nordstadt has three cases (K1, K2, K6) but two persons.
    assert cells[("Nordstadt",)].suppressed is True


async def test_suppression_applies_to_every_person_counting_indicator(
        history_facts: asyncpg.Pool) -> None:
    gap = await ask(history_facts, "reported_vs_logged_success_gap", threshold=4)
    goals = await ask(history_facts, "impact_goal_achievement", by=["provider"], threshold=5)

    assert gap[()].suppressed is True  # three persons behind A1's closures
    assert goals[(str(P1),)].suppressed is False  # six participants
    assert goals[(str(P2),)].suppressed is True  # three participants


async def test_an_agreement_counts_under_each_district_it_serves(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "capacity_utilisation", by=["provider", "district"])

    # A1 serves Nordstadt and Südstadt: 175 of 900 capacity-days in each.
    assert {key: (cell.numerator, cell.denominator) for key, cell in cells.items()} == {
        (str(P1), "Nordstadt"): (175, 900), (str(P1), "Südstadt"): (175, 900),
        (str(P2), "Oststadt"): (58, 310)}


async def test_a_dimension_the_indicator_does_not_allow_is_refused(
        history_facts: asyncpg.Pool) -> None:
    with pytest.raises(UnknownDimension, match="age_band"):
        await ask(history_facts, "budget_utilisation", by=["age_band"])


async def test_a_provider_sees_only_its_own_agreements(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "capacity_utilisation", by=["agreement"],
                      provider=str(P2))

    assert list(cells) == [(str(A2),)]
