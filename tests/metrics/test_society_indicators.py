"""Society indicators per inhabitant, against values computed by hand."""

from __future__ import annotations

import asyncpg
import pytest

from tests.metrics.support import ask, values

pytestmark = pytest.mark.integration


async def test_active_cases_per_1000_inhabitants_by_district(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases_per_1000", by=["district"])
    total = await ask(history_facts, "active_cases_per_1000")

    # Nordstadt K1, K2 of 2,000; Südstadt K3, K4 of 2,000; Oststadt K5 of 2,000.
    assert values(cells) == {("Nordstadt",): 1.0, ("Oststadt",): 0.5, ("Südstadt",): 1.0}
    assert total[()].value == pytest.approx(5 / 6000 * 1000, abs=1e-6)
    assert total[()].denominator == 6000


async def test_clients_reached_count_a_client_with_two_cases_once(
        history_facts: asyncpg.Pool) -> None:
    clients = await ask(history_facts, "clients_reached_per_1000", "2026", by=["district"])
    cases = await ask(history_facts, "active_cases_per_1000", "2026", by=["district"])

    assert clients[("Nordstadt",)].value == 1.0  # p1 (K1, K6) and p2
    assert cases[("Nordstadt",)].value == 1.5


async def test_the_population_of_the_latest_year_up_to_the_period_is_used(
        history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "active_cases_per_1000", "2026", by=["district",
                                                                          "age_band"])

    # Oststadt 65+: 2,000 in 2026 (1,800 in 2025 is older); K5 and K7.
    assert cells[("Oststadt", "65+")].value == 1.0


async def test_spend_per_inhabitant_by_the_cases_district(history_facts: asyncpg.Pool) -> None:
    cells = await ask(history_facts, "spend_per_inhabitant", by=["district"])

    # Nordstadt 1,000 + 1,500 EUR; Südstadt 400 EUR; Oststadt 800 EUR; 2,000 inhabitants each.
    assert values(cells) == {("Nordstadt",): 1.25, ("Oststadt",): 0.4, ("Südstadt",): 0.2}
