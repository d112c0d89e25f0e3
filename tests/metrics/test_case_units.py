"""The case units the consumer keeps with the facts equal the units derived from the facts,
however the events came in batches, and answer as the facts do (`indicators.case_units`)."""

# ruff: noqa: S608 - table names from this module's constant only.
from __future__ import annotations

import random
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bench.events import city
from services.metrics.catalog import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.indicators import agreement_units, case_units
from services.metrics.indicators.engine import Question
from services.metrics.indicators.in_database import cells_in_database
from services.metrics.periods import Grain, parse_period
from shared.contracts import (
    CaseReopened,
    ServiceAgreementAmended,
    ServiceAssigned,
    ServiceDeliveryRecorded,
)
from shared.envelope import Envelope
from shared.projection import Connection
from tests.metrics.history import A1, A2, P1, d, fixed_history, uid
from tests.metrics.support import kept_and_derived_units
from tests.support import Infrastructure, new_database

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CASE_TABLES = ("case_opened", "case_status", "case_goals", "goal_reviews", "case_services",
               "deliveries", "goal_withdrawals", "delivery_reversals")
BREAKDOWNS = ((), ("district", "age_band"), ("provider", "period"), ("agreement",),
              ("target_group", "budget_product"), ("field_of_action", "district"))


async def _project(pool: asyncpg.Pool, envelopes: list[Envelope], sizes: random.Random, *,
                   largest: int = 40, check_each: bool = False) -> int:
    """Project the envelopes in batches of random sizes, one transaction each; how many.
    With `check_each`, the units kept equal those of the facts after every batch."""
    batches = 0
    while envelopes:
        size = sizes.randint(1, largest)
        batch, envelopes = envelopes[:size], envelopes[size:]
        async with pool.acquire() as connection, connection.transaction():
            await project_batch(connection, [(envelope, parse(envelope)) for envelope in batch])
        batches += 1
        if check_each:
            kept, derived = await kept_and_derived_units(pool)
            assert kept == derived, f"after batch {batches}"
    return batches


@pytest.fixture(scope="module")
async def city_in_batches(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await new_database(infrastructure))
    await migrate(pool)
    envelopes = [envelope for _, envelope in city(250, seed=3).in_order()]
    assert await _project(pool, envelopes, random.Random(5)) > 100
    yield pool
    await pool.close()


async def test_units_kept_batch_by_batch_equal_those_of_the_facts(
        city_in_batches: asyncpg.Pool) -> None:
    kept, derived = await kept_and_derived_units(city_in_batches)
    assert len(kept["case_units"]) > 10_000
    assert kept["agreement_units"]
    assert kept == derived
    async with city_in_batches.acquire() as connection:
        years = await case_units.years_kept(connection)
        every_day = " UNION ALL ".join(f"SELECT occurred_on FROM {name}" for name in CASE_TABLES)
        days = await connection.fetchrow(
            f"SELECT min(occurred_on), max(occurred_on) FROM ({every_day}) facts")
    assert days is not None
    # The latest years of the case events, at most KEPT_YEARS of them.
    assert years == (max(days[0].year, days[1].year - case_units.KEPT_YEARS + 1), days[1].year)


async def test_after_every_small_batch_the_units_kept_equal_those_of_the_facts(
        infrastructure: Infrastructure) -> None:
    """The written history in batches of one to three events, the units checked after each:
    agreements edited and amended after cases use them (a price too), deliveries, closures,
    reopenings, reversals, a person's second case, reports resubmitted and rejected."""
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        history = fixed_history()
        # A price amended late, back to February: what cases spent under A1 changes.
        history.add("agreements", A1, ServiceAgreementAmended(
            agreement_id=A1, effective_date=d(2, 1), reason="Tarif", unit_price_cents=9_900,
            occurred_on=d(11, 2), actor="cm-1"))
        # Deliveries, which change what A1's persons used but not its success gap; then a
        # case closed in the first quarter reopened after A1's report on it: the report's
        # logged successes change with no report or agreement event (in a batch of its own).
        for month in (5, 6, 7):
            history.add("cases", uid("K4"), ServiceDeliveryRecorded(
                case_id=uid("K4"), service_id=uid("s4"),
                period=f"2026-{month:02}", units="4", occurred_on=d(11, 2 + month),
                actor="cw-1"))
        history.add("cases", uid("K1"), CaseReopened(case_id=uid("K1"), occurred_on=d(11, 20),
                                                     actor="cw-1"))
        await _project(pool, [envelope for _, envelope in history.in_recorded_order()],
                       random.Random(1), largest=3, check_each=True)
        kept, derived = await kept_and_derived_units(pool)
        assert kept["case_units"]
        assert kept["agreement_units"]
        assert kept == derived
    finally:
        await pool.close()


@pytest.mark.parametrize("indicator", sorted([*case_units.KIND, *agreement_units.KINDS]))
async def test_cells_from_the_units_kept_equal_cells_from_the_facts(
        city_in_batches: asyncpg.Pool, indicator: str) -> None:
    definition = CATALOG[indicator]
    async with city_in_batches.acquire() as connection:
        years = await case_units.years_kept(connection)
        assert years is not None
        for period in (f"{years[0]}", f"{years[0]}-Q4", f"{years[1] - 1}-07"):
            for by in (b for b in BREAKDOWNS if set(b) <= set(definition.dimensions)):
                for provider in (None, str(P1)):
                    question = Question(parse_period(period), by, Grain.QUARTER, None, provider)
                    buckets = question.buckets()
                    assert await case_units.covers(connection, buckets)
                    both = [await cells_in_database(
                        connection, definition, by, buckets, None, provider, 3, None,
                        buckets[-1].end, kept=kept) for kept in (True, False)]
                    assert both[0] == both[1], (period, by, provider)


async def test_a_person_served_under_a_second_agreement_counts_once_in_a_cell_of_both(
        infrastructure: Infrastructure) -> None:
    """p1's first case was served under A1; the second (K6) is served under A2 from June.
    A1's units learn that p1 is no longer served under A1 alone (in a batch of K6's
    events only), and a cell of both agreements counts p1 once, as from the facts."""
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        history = fixed_history()
        second = uid("K6")
        history.add("cases", second, ServiceAssigned(
            case_id=second, service_id=uid("s8"), agreement_id=A2, units_planned="20",
            unit="hour", start_date=d(6, 5), occurred_on=d(6, 5), actor="cw-1"))
        history.add("cases", second, ServiceDeliveryRecorded(
            case_id=second, service_id=uid("s8"), period="2026-06", units="5",
            occurred_on=d(7, 1), actor="cw-1"))
        await _project(pool, [envelope for _, envelope in history.in_recorded_order()],
                       random.Random(3), largest=2, check_each=True)
        async with pool.acquire() as connection:
            year = parse_period("2026")
            for indicator in agreement_units.KINDS:
                both = [await cells_in_database(
                    connection, CATALOG[indicator], (), [year], None, None, 1, None, year.end,
                    kept=kept) for kept in (True, False)]
                assert both[0] == both[1], indicator
            alone = await connection.fetchval(
                "SELECT alone FROM agreement_units WHERE kind = 'budget_utilisation' "
                "AND label = '2026' AND agreement_id = $1", A1)
        assert alone == 3  # p2, p3, p4; not p1
    finally:
        await pool.close()


async def test_units_are_counted_on_plans_made_for_them_and_many_with_hash_joins(
        infrastructure: Infrastructure) -> None:
    """Not with a generic plan PostgreSQL keeps for a prepared statement after five runs,
    made for no cases in particular (minutes for thousands of cases, twice the time for
    fifty); nested loops off for many units, and every setting restored after."""
    connection = await asyncpg.connect(await new_database(infrastructure))
    settings = "SELECT current_setting('enable_nestloop'), current_setting('plan_cache_mode')"
    try:
        async with connection.transaction():
            before = tuple(await connection.fetchrow(settings) or ())
            async with case_units.counting_units(connection, many=False):
                assert tuple(await connection.fetchrow(settings) or ()) == (
                    "on", "force_custom_plan")
            async with case_units.counting_units(connection, many=True):
                assert tuple(await connection.fetchrow(settings) or ()) == (
                    "off", "force_custom_plan")
            assert tuple(await connection.fetchrow(settings) or ()) == before == ("on", "auto")
    finally:
        await connection.close()


async def test_periods_outside_the_years_kept_are_counted_from_the_facts(
        city_in_batches: asyncpg.Pool) -> None:
    async with city_in_batches.acquire() as connection:
        years = await case_units.years_kept(connection)
        assert years is not None
        assert not await case_units.covers(connection, [parse_period(f"{years[0] - 1}")])
        assert not await case_units.covers(connection, [parse_period(f"{years[1] + 1}-01")])


async def test_a_catch_up_sets_the_units_aside_and_the_next_batch_counts_them_again(
        infrastructure: Infrastructure) -> None:
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        envelopes = [envelope for _, envelope in city(120, seed=4).in_order()]
        assert len(envelopes) > 2 * case_units.CATCH_UP
        await _project(pool, envelopes[:200], random.Random(2))  # live: units kept
        async with pool.acquire() as connection:
            assert await case_units.years_kept(connection) is not None
            question = Question(parse_period("2026"), ("district",))
            async with connection.transaction():  # a catch-up: one batch of the rest
                await project_batch(connection, [(e, parse(e)) for e in envelopes[200:]])
            assert await case_units.years_kept(connection) is None
            assert not await case_units.covers(connection, question.buckets())
            facts_only = await cells_in_database(
                connection, CATALOG["active_cases"], question.by, question.buckets(), None,
                None, 3, None, question.period.end)
            async with connection.transaction():  # the next batch, here an empty one
                await project_batch(connection, [])
            assert await case_units.covers(connection, question.buckets())
            assert await cells_in_database(
                connection, CATALOG["active_cases"], question.by, question.buckets(), None,
                None, 3, None, question.period.end) == facts_only
        kept, derived = await kept_and_derived_units(pool)
        assert kept["case_units"]
        assert kept == derived
    finally:
        await pool.close()


def _case_year(envelope: Envelope) -> int:
    event = parse(envelope)
    return event.occurred_on.year if hasattr(event, "case_id") else 0


async def _units_by_case(connection: Connection) -> dict[str, list[str]]:
    """Each case's unit rows by where they lie: a row written again lies elsewhere."""
    rows = await connection.fetch("SELECT case_id::text, array_agg(ctid::text ORDER BY ctid) "
                                  "FROM case_units GROUP BY case_id")
    return {row[0]: row[1] for row in rows}


async def test_after_a_catch_up_only_the_cases_it_touched_are_counted_again(
        infrastructure: Infrastructure) -> None:
    """A consumer that falls behind now and then pays for what it touched, not for the
    whole city: the catch-up remembers its cases and agreements, and the next batch
    refreshes those (and its own), leaving every other case's units where they lie."""
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        envelopes = [envelope for _, envelope in city(300, seed=4).in_order()]
        first = next(year for year in map(_case_year, envelopes) if year)
        # Up to the first case event of the next year: all of it in the years kept.
        year_ends = next(i for i, e in enumerate(envelopes) if _case_year(e) > first)
        live = envelopes[:year_ends - 1500]
        catch_up = envelopes[year_ends - 1500:year_ends - 20]
        after = envelopes[year_ends - 20:year_ends]
        assert len(catch_up) > case_units.CATCH_UP
        assert len(live) > 200
        await _project(pool, live, random.Random(3), largest=case_units.CATCH_UP)
        async with pool.acquire() as connection:
            before = await _units_by_case(connection)
            async with connection.transaction():
                await project_batch(connection, [(e, parse(e)) for e in catch_up])
            assert await case_units.years_kept(connection) is None
            stale = {str(row[0]) for row in await connection.fetch(
                "SELECT case_id FROM case_units_stale")}
            assert stale
            assert await connection.fetchval(
                "SELECT count(*) FROM agreement_units_stale")
            touched = stale | {str(e.data["case_id"]) for e in after if "case_id" in e.data}
            untouched = set(before) - touched
            assert untouched  # cases whose events all came before the catch-up
        await _project(pool, after, random.Random(4), largest=3)
        async with pool.acquire() as connection:
            assert await case_units.years_kept(connection) is not None
            assert await connection.fetchval("SELECT count(*) FROM case_units_stale") == 0
            assert await connection.fetchval("SELECT count(*) FROM agreement_units_stale") == 0
            now = await _units_by_case(connection)
        assert {case: now[case] for case in untouched} == {
            case: before[case] for case in untouched}
        assert any(now.get(case) != before.get(case) for case in stale)
        kept, derived = await kept_and_derived_units(pool)
        assert kept == derived
    finally:
        await pool.close()


async def test_a_catch_up_into_a_year_not_kept_counts_every_case_again(
        infrastructure: Infrastructure) -> None:
    pool = await create_pool(await new_database(infrastructure))
    try:
        await migrate(pool)
        envelopes = [envelope for _, envelope in city(120, seed=4).in_order()]
        await _project(pool, envelopes[:200], random.Random(2))
        async with pool.acquire() as connection:
            years = await case_units.years_kept(connection)
            assert years is not None
            catch_up = [(e, parse(e)) for e in envelopes[200:]]
            last = max(event.occurred_on.year for _, event in catch_up
                       if hasattr(event, "case_id"))
            assert last > years[1]  # the rest reaches a year the units did not keep
            async with connection.transaction():
                await project_batch(connection, catch_up)
            assert await connection.fetchval("SELECT count(*) FROM case_units_years") == 0
            assert await connection.fetchval("SELECT count(*) FROM case_units_stale") == 0
            async with connection.transaction():
                await project_batch(connection, [])
            assert (await case_units.years_kept(connection) or (0, 0))[1] == last
        kept, derived = await kept_and_derived_units(pool)
        assert kept == derived
    finally:
        await pool.close()
