"""Cells counted in PostgreSQL equal the cells of the Python oracle.

`tests.metrics.oracle` (records folded in Python, units of case_units /
society_units / agreement_units counted by cells_of) is the reference
implementation; `engine.answer`, the production path, counts every indicator
in the database (case_sql, agreement_sql). Both answer every indicator here, for a
generated history of many cases (bench.events) and for the hand-written one,
along several breakdowns, periods, as_of times and a provider's scope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from bench.events import city
from services.metrics.catalog import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, answer, today_of
from services.metrics.indicators.in_database import supported
from services.metrics.periods import Grain, parse_period
from services.metrics.population import PopulationRow, import_population
from shared.contracts import (
    CaseClosed,
    CaseOpened,
    DeliveryReversed,
    GoalOutcomeCounts,
    GoalWithdrawn,
    ImpactGoalTerm,
    ProviderReportRejected,
    ProviderReportSubmitted,
    ServiceAgreementAmended,
    ServiceAgreementEdited,
    ServiceAgreementTerminated,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from tests.metrics.history import A1, A2, NOW, P1, POPULATION, History, d, fixed_history, uid
from tests.metrics.oracle.evaluate import oracle_cells
from tests.support import Infrastructure, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW_PATHS = list(CATALOG)
BREAKDOWNS = ((), ("district", "age_band"), ("provider", "period"),
              ("field_of_action", "target_group"), ("agreement",), ("budget_product", "period"),
              ("district", "provider"), ("target_group", "agreement"))


@pytest.fixture(scope="module")
async def generated(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    """Facts of 600 generated cases (2025 and 2026) and a reference population."""
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection, connection.transaction():
        await project_batch(connection, [(envelope, parse(envelope))
                                         for _, envelope in city(600, seed=11).in_order()])
        await import_population(connection, [
            PopulationRow(district, band, year, 5_000)
            for district, band, *_ in POPULATION for year in (2025, 2026)
        ] + [PopulationRow("Mitte", "27-44", 2025, 7_000)], source="test", imported_by="cm-1")
    yield pool
    await pool.close()


def _written_history() -> History:
    """The hand-written history and later turns: an edited budget, an amended term end and
    a termination, amended impact goals, a second case of p2 under A1 whose service ends
    early and one of whose deliveries is reversed, goals withdrawn, a report whose latest
    revision was rejected."""
    h = fixed_history()
    h.add("agreements", A1, ServiceAgreementEdited(
        agreement_id=A1, annual_budget_cents=4_380_000, occurred_on=d(6, 1), actor="cm-1"))
    h.add("agreements", A2, ServiceAgreementAmended(
        agreement_id=A2, effective_date=d(7, 1), reason="kürzer", term_end=d(10, 31),
        capacity=8, occurred_on=d(6, 5), actor="cm-1"))
    # A1's goal tightened from 15 March (R1, Q1, no longer meets it), loosened from July
    # (an amendment of a later version, not yet in force at the end of Q1 or Q2).
    for effective, target, on in ((d(3, 15), "0.9", d(6, 2)), (d(7, 1), "0.1", d(6, 4))):
        h.add("agreements", A1, ServiceAgreementAmended(
            agreement_id=A1, effective_date=effective, reason="Ziel", impact_goals=[
                ImpactGoalTerm(text="planmäßig", indicator_id="planned_closure_rate",
                               comparison=">=", target_value=target)],
            occurred_on=on, actor="cm-1"))
    h.add("agreements", A2, ServiceAgreementTerminated(
        agreement_id=A2, termination_date=d(9, 1), reason="Ende", occurred_on=d(6, 10),
        actor="cm-1"))
    k8, s8 = uid("K8"), uid("s8")
    h.add("cases", k8, CaseOpened(
        case_id=k8, client_pseudonym="p2", field_of_action="jugend", target_groups=["Familien"],
        district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27", age_band="14-17",
        occurred_on=d(3, 28), actor="cw-1"))
    h.add("cases", k8, ServiceAssigned(case_id=k8, service_id=s8, agreement_id=A1,
                                       units_planned="10", unit="hour", start_date=d(3, 30),
                                       occurred_on=d(3, 29), actor="cw-1"))
    for period, units, on in (("2026-03", "2", d(4, 2)), ("2026-Q2", "9", d(6, 30))):
        h.add("cases", k8, ServiceDeliveryRecorded(case_id=k8, service_id=s8, period=period,
                                                   units=units, occurred_on=on, actor="cw-1"))
    h.add("cases", k8, ServiceEnded(case_id=k8, service_id=s8, occurred_on=d(7, 1),
                                    actor="cw-1"))
    h.add("cases", k8, DeliveryReversed(case_id=k8, service_id=s8, delivery_id=uid("K8-Q2"),
                                        period="2026-Q2", units="9", occurred_on=d(7, 5),
                                        actor="cw-1"))
    for case, goal, on in (("K1", "g2", d(6, 3)), ("K5", "g5", d(6, 20))):
        h.add("cases", uid(case), GoalWithdrawn(case_id=uid(case), goal_id=uid(goal),
                                                occurred_on=on, actor="cw-1"))
    h.add("cases", k8, CaseClosed(case_id=k8, reason="planned_goals_achieved",
                                  ended_service_ids=[], occurred_on=d(8, 20), actor="cw-1"))
    r3 = uid("R3")
    h.add("agreements", r3, ProviderReportSubmitted(
        report_id=r3, agreement_id=A1, provider_id=P1, period="2026-Q2", period_start=d(4, 1),
        period_end=d(6, 30), due_on=d(7, 30), late=False, participants=4,
        units_delivered="30", expenditure_cents=500_000, outcomes=[GoalOutcomeCounts(
            indicator_id="planned_closure_rate", achieved=1, measured=2)],
        occurred_on=d(7, 20), actor="pt-1"))
    h.add("agreements", r3, ProviderReportRejected(report_id=r3, revision=1, reason="Zahlen",
                                                   occurred_on=d(7, 25), actor="cm-1"))
    return h


@pytest.fixture(scope="module")
async def written(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    async with pool.acquire() as connection, connection.transaction():
        await project_batch(connection, [(envelope, parse(envelope))
                                         for _, envelope in _written_history().in_recorded_order()])
        await import_population(connection, [PopulationRow(*row) for row in POPULATION],
                                source="test", imported_by="cm-1")
    yield pool
    await pool.close()


async def _both(pool: asyncpg.Pool, indicator: str, question: Question,
                threshold: int) -> tuple[list[Cell], list[Cell]]:
    async with pool.acquire() as connection:
        counted = await answer(connection, CATALOG[indicator], question, threshold,
                               today=today_of(question.as_of, NOW))
        reference = await oracle_cells(connection, CATALOG[indicator], question, threshold)
    return counted, reference


def _assert_same(counted: list[Cell], reference: list[Cell], what: str) -> None:
    assert [c.dimensions for c in counted] == [c.dimensions for c in reference], what
    for ours, theirs in zip(counted, reference, strict=True):
        where = f"{what} {theirs.dimensions}"
        assert (ours.suppressed, ours.persons) == (theirs.suppressed, theirs.persons), where
        # The cell key (sum of the persons' record keys) decides the noise readers see.
        assert ours.key == theirs.key, f"{where} cell key"
        for name in ("value", "numerator", "denominator"):
            mine, expected = getattr(ours, name), getattr(theirs, name)
            assert (mine is None) == (expected is None), f"{where} {name}"
            if expected is not None:
                assert mine == pytest.approx(expected, rel=1e-9, abs=2e-6), f"{where} {name}"


def test_every_indicator_is_counted_in_the_database() -> None:
    assert [name for name, definition in CATALOG.items() if not supported(definition)] == []


@pytest.mark.parametrize("indicator", NEW_PATHS)
async def test_a_generated_city_gives_the_cells_of_the_reference_path(
        generated: asyncpg.Pool, indicator: str) -> None:
    definition = CATALOG[indicator]
    asked = 0
    for by in BREAKDOWNS:
        if not set(by) <= set(definition.dimensions):
            continue
        for period, grain, as_of in (("2025", None, None), ("2025-Q4", Grain.MONTH, None),
                                     ("2026", Grain.QUARTER, datetime(2025, 11, 1, tzinfo=UTC)),
                                     ("2025-Q3", None, datetime(2025, 9, 15, tzinfo=UTC))):
            question = Question(parse_period(period), by, grain, as_of)
            counted, reference = await _both(generated, indicator, question, threshold=5)
            _assert_same(counted, reference, f"{indicator} {period} by {by} as of {as_of}")
            asked += len(reference)
    assert asked > 0  # some cells were compared, not only empty answers


@pytest.mark.parametrize("indicator", NEW_PATHS)
async def test_the_written_history_gives_the_cells_of_the_reference_path(
        written: asyncpg.Pool, indicator: str) -> None:
    definition = CATALOG[indicator]
    for by in BREAKDOWNS:
        if not set(by) <= set(definition.dimensions):
            continue
        for period, as_of in (("2026", None), ("2026-Q1", datetime(2026, 4, 1, tzinfo=UTC)),
                              ("2026-Q2", None), ("2026", datetime(2026, 6, 7, tzinfo=UTC)),
                              ("2026-Q3", None)):
            question = Question(parse_period(period), by, None, as_of)
            counted, reference = await _both(written, indicator, question, threshold=1)
            _assert_same(counted, reference, f"{indicator} {period} by {by} as of {as_of}")


async def test_a_providers_scope_gives_the_cells_of_the_reference_path(
        generated: asyncpg.Pool) -> None:
    async with generated.acquire() as connection:
        provider = str(await connection.fetchval(
            "SELECT provider_id FROM agreement_facts WHERE change = 'drafted' LIMIT 1"))
    for indicator in ("active_cases", "cost_per_successful_outcome", "gas_t_score",
                      "budget_utilisation", "capacity_utilisation",
                      "reported_vs_logged_success_gap"):
        for by in (("district",), ("period", "target_group")):
            question = Question(parse_period("2025"), by, None, None, provider)
            counted, reference = await _both(generated, indicator, question, threshold=1)
            assert reference, indicator
            _assert_same(counted, reference, f"{indicator} by {by} of provider {provider}")
