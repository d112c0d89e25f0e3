"""Case units kept with the facts: what each case counts in each period, ready to group.

Deriving an indicator's units from the raw facts (spells from the statuses,
T-scores from every review at each period's end, costs from every delivery)
costs up to seconds per question at a city's size. So the consumer keeps the
table `case_units` in the same transaction as the facts: per unit kind (the
indicators whose units are alike share one), period label and case, the
unit's numerator, denominator and value beside the case's dimensions and its
person's record key, for the periods of the latest `KEPT_YEARS` years with case
events. Each batch refreshes the cases it touched, the other
cases of their persons (re-entry looks across them) and the cases served under
an agreement whose terms it changed; the first batch, and one that reaches a
year not kept yet, refreshes all cases. A batch of a catch-up (more than `CATCH_UP`
events: a replay, a rebuild, a consumer far behind) sets the units aside, so that
questions are counted from the facts until the first smaller batch after it: a
catch-up is not slowed by refreshing the units of most cases batch after batch. While
set aside, the units remember which cases the catch-up touched (`case_units_stale`),
and the first smaller batch refreshes those only, so that a consumer that falls
behind now and then (a bulk import the relay publishes in bursts) pays for the cases
it touched, not for the whole city each time. Units never counted (a new database, a
rebuild, a year not kept yet) are counted for every case. The units are those of
`case_sql`, restricted to some cases: one definition.

A batch writes only the units that changed (a delivery changes a few of its
case's, not all of them), and changes the sums kept beside the units
(`case_cells`) by those.

A question about what is known now (no `as_of`) whose periods lie in the years
kept is counted from this table and its sums (`case_cells`); any other (an `as_of`, another
year, an agreement indicator) is derived from the facts as before. Units are
the finest grain at which every breakdown can still count its persons distinct
and sum their record keys into the cell key; a unit says whether its person
has other cases (`shared`), since only those need a distinct count.
"""

# ruff: noqa: S608 - the SQL is put together from constants only; values are parameters.
from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from services.metrics.indicators import case_cells
from services.metrics.indicators.case_sql import (
    UNITS,
    case_expressions,
    with_clause,
)
from services.metrics.indicators.disclosure import RECORD_KEY_SQL
from services.metrics.periods import Grain, Period, parse_period
from shared.closures import PLANNED, REENTRY_MONTHS, SUCCESSFUL
from shared.contracts import (
    IntegrationEvent,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementEdited,
)
from shared.envelope import Envelope
from shared.gas import EXPECTED_LEVEL, RHO
from shared.projection import Connection


def _kinds() -> dict[str, str]:
    """Per indicator its unit kind: the first indicator with the same units."""
    first: dict[str, str] = {}
    return {str(indicator): first.setdefault(sql, str(indicator))
            for indicator, (sql, _) in UNITS.items()}


KIND = _kinds()
# The units cover at most the latest this many years with case events (each open case has
# units in every period since its opening): older years are counted from the facts.
KEPT_YEARS = 3
_COLUMNS = ("kind, label, case_id, client, record_key, numerator, denominator, value, "
            "field_of_action, target_groups, district, age_band, agreements, providers, "
            "budget_products, shared")
# Agreement events that change what `terms` says: provider, budget product, unit price.
_TERMS = (ServiceAgreementDrafted, ServiceAgreementEdited, ServiceAgreementAmended)


def _units(some_cases: bool) -> tuple[str, str]:
    """The WITH list and the SELECT of `units_sql`."""
    kinds = {kind: UNITS[indicator] for indicator, kind in KIND.items() if indicator == kind}
    reads = tuple(dict.fromkeys(name for _, needs in kinds.values() for name in needs))
    units = " UNION ALL ".join(
        f"SELECT '{kind}'::text, u.case_id, u.label, u.numerator::float8, "
        f"u.denominator::float8, u.value::float8 FROM ({sql}) "
        "u (case_id, label, numerator, denominator, value)"
        for kind, (sql, _) in kinds.items())
    return (
        f"{with_clause((*reads, 'dimensions'), case_expressions(some_cases))},\n"
        f"units (kind, case_id, label, numerator, denominator, value) AS ({units}),\n"
        # Whether the person has other cases (all of them are among those counted).
        "persons (case_id, shared) AS (SELECT case_id, count(*) OVER (PARTITION BY client) > 1 "
        "FROM known_cases)",
        "SELECT u.kind, u.label, u.case_id, k.client, "
        f"{RECORD_KEY_SQL.format(client='k.client')}, u.numerator, u.denominator, "
        "u.value, k.field_of_action, k.target_groups, k.district, k.age_band, "
        "coalesce(x.agreements, '{}'), coalesce(x.providers, '{}'), "
        "coalesce(x.budget_products, '{}'), p.shared "
        "FROM units u JOIN known_cases k USING (case_id) JOIN persons p USING (case_id) "
        "LEFT JOIN dimensions x USING (case_id)")


def units_sql(some_cases: bool) -> str:
    """The SELECT of every case's units in the periods $2-$4 (with `some_cases`: of the
    cases in $11), in the columns of `case_units`."""
    return "\n".join(_units(some_cases))


_REFRESH_ALL = f"INSERT INTO case_units ({_COLUMNS}) {units_sql(some_cases=False)}"
_KEY = ("{a}.case_id = {b}.case_id AND {a}.kind = {b}.kind AND {a}.label = {b}.label")
# The units of the cases in $11 counted again. Only those that changed are written: a
# unit no longer there deleted, one changed updated, a new one inserted (keys apart,
# so that one statement does all three); and the sums of the units take out the old
# (`stale`) and add the new (`fresh`).
_RECOUNT_SOME = (
    f"{_units(True)[0]},\nnew ({_COLUMNS}) AS ({_units(True)[1]}),\n"
    f"old AS (SELECT {_COLUMNS} FROM case_units WHERE case_id = ANY($11::uuid[])),\n"
    "stale AS (SELECT * FROM old EXCEPT ALL SELECT * FROM new),\n"
    "fresh AS (SELECT * FROM new EXCEPT ALL SELECT * FROM old),\n"
    # (Keys apart by hash: an anti-join of the few rows estimated runs as a nested loop.)
    "gone AS (DELETE FROM case_units c USING (SELECT case_id, kind, label FROM stale EXCEPT "
    "SELECT case_id, kind, label FROM fresh) x WHERE " + _KEY.format(a="c", b="x") + "),\n"
    "changed AS (UPDATE case_units c SET "
    + ", ".join(f"{name} = f.{name}" for name in _COLUMNS.split(", ")
                if name not in ("kind", "label", "case_id"))
    + " FROM fresh f WHERE " + _KEY.format(a="c", b="f") + "),\n"
    f"put AS (INSERT INTO case_units ({_COLUMNS}) SELECT f.* FROM fresh f JOIN (SELECT "
    "case_id, kind, label FROM fresh EXCEPT SELECT case_id, kind, label FROM stale) n "
    "USING (case_id, kind, label)),\n"
    "delta AS (SELECT *, 1 AS sign FROM fresh UNION ALL SELECT *, -1 FROM stale),\n"
    + case_cells.summing_all("delta"))
# The cases a batch touched, those served under an agreement whose terms it changed, and
# every other case of the same persons.
_AFFECTED = (
    "WITH touched AS (SELECT unnest($1::uuid[]) AS case_id UNION "
    "SELECT case_id FROM case_services WHERE agreement_id = ANY($2::uuid[])) "
    "SELECT coalesce(array_agg(DISTINCT c), '{}') FROM (SELECT case_id AS c FROM touched "
    "UNION SELECT other.case_id FROM case_opened one JOIN case_opened other "
    "USING (client_pseudonym) WHERE one.case_id IN (SELECT case_id FROM touched)) affected"
)


def periods_of(first_year: int, last_year: int) -> list[Period]:
    """Every year, quarter and month of the years."""
    periods: list[Period] = []
    for year in range(first_year, last_year + 1):
        whole = parse_period(str(year))
        periods += [whole, *whole.split(Grain.QUARTER), *whole.split(Grain.MONTH)]
    return periods


def arguments(first_year: int, last_year: int) -> list[Any]:
    """$1-$10 of `units_sql` for the years: everything known, their periods, the rules."""
    periods = periods_of(first_year, last_year)
    return [None, [p.start for p in periods], [p.end for p in periods],
            [p.label for p in periods], date(last_year, 12, 31),  # today: not read
            RHO, EXPECTED_LEVEL, REENTRY_MONTHS, sorted(SUCCESSFUL), sorted(PLANNED)]


@asynccontextmanager
async def counting_units(connection: Connection, *, many: bool) -> AsyncIterator[None]:
    """Plans for counting units, made for the statement's parameters: asyncpg prepares each
    statement, and after five runs PostgreSQL may keep one generic plan for it, made for
    no cases in particular. Run on the thousands of cases a catch-up left, the generic plan
    of a live batch's few took minutes instead of seconds; and a live batch of 50 cases
    took twice as long on a generic plan as on its own.

    For `many` units, hash joins, not nested loops: the planner cannot estimate the
    units' rows, and a nested loop over a city's (its choice for a small estimate) takes
    an hour, not seconds. A few cases' units the indexes find faster."""
    was = await connection.fetchrow("SELECT current_setting('enable_nestloop'), "
                                    "current_setting('plan_cache_mode')")
    assert was is not None
    await connection.execute("SELECT set_config('enable_nestloop', $1, true), "
                             "set_config('plan_cache_mode', 'force_custom_plan', true)",
                             "off" if many else was[0])
    yield
    # (After an error the transaction is rolled back, and the settings with it.)
    await connection.execute("SELECT set_config('enable_nestloop', $1, true), "
                             "set_config('plan_cache_mode', $2, true)", was[0], was[1])


async def years_kept(connection: Connection) -> tuple[int, int] | None:
    """The years the units answer for now (None: none, or they are set aside)."""
    row = await connection.fetchrow(
        "SELECT first_year, last_year FROM case_units_years WHERE NOT set_aside")
    return None if row is None else (row["first_year"], row["last_year"])


@dataclass(frozen=True)
class _Kept:
    """The row of `case_units_years`: the years counted, and whether they are set aside."""

    years: tuple[int, int]
    set_aside: bool


async def _kept(connection: Connection) -> _Kept | None:
    row = await connection.fetchrow(
        "SELECT first_year, last_year, set_aside FROM case_units_years")
    return None if row is None else _Kept((row[0], row[1]), row[2])


async def covers(connection: Connection, periods: Iterable[Period]) -> bool:
    """Whether the units kept cover every one of `periods`."""
    kept = await years_kept(connection)
    return kept is not None and all(kept[0] <= p.start.year and p.end.year <= kept[1]
                                    for p in periods)


@dataclass(frozen=True)
class Refreshed:
    """What a batch's refresh did: the years kept (None: the units answer nothing now),
    whether it refreshed every case (the units of agreements then follow suit), whether
    it set the units aside remembering what it touched (`aside`: the agreement units
    remember theirs) and whether it counted again what was remembered (`stale`)."""

    years: tuple[int, int] | None
    everything: bool = False
    aside: bool = False
    stale: bool = False
    cases: Sequence[UUID] = ()  # whose units it counted again (not every case)


# A batch of more events than this is a catch-up (a replay, a rebuild, a consumer behind
# the topics): refreshing the units of the many cases it touches would cost more than
# counting them once when the consumer has caught up, so it sets the units aside instead.
CATCH_UP = 1_000
# The years of the case events, from the facts.
_YEARS = ("SELECT extract(year FROM min(day))::int, extract(year FROM max(day))::int FROM ("
          + " UNION ALL ".join(f"SELECT min(occurred_on) AS day FROM {table} UNION ALL "
                               f"SELECT max(occurred_on) FROM {table}"
                               for table in ("case_opened", "case_status", "case_goals",
                                             "goal_reviews", "case_services", "deliveries",
                                             "goal_withdrawals", "delivery_reversals"))
          + ") days")


async def refresh(connection: Connection,
                  events: Sequence[tuple[Envelope, IntegrationEvent]]) -> Refreshed:
    """Bring the units up to date with a batch's events (inside its transaction, after its
    facts): those of the cases it touched and of those a catch-up touched before it, or
    of every case when none were counted or a batch reaches a year not kept yet; a
    catch-up batch sets them aside and remembers the cases it touched. With no events,
    only what was set aside is counted again."""
    kept = await _kept(connection)
    cases = {str(event.case_id) for _, event in events if hasattr(event, "case_id")}
    agreements = {str(event.agreement_id) for _, event in events if isinstance(event, _TERMS)}
    years = {event.occurred_on.year for _, event in events if hasattr(event, "case_id")}
    if kept is not None and _window(min([kept.years[0], *years]),
                                    max([kept.years[1], *years])) != kept.years:
        await _forget(connection)  # a year not kept yet: every case is counted anew
        kept = None
    if len(events) > CATCH_UP:
        if kept is None:  # every case is counted when the catch-up is over
            return Refreshed(None)
        if not kept.set_aside:  # questions are counted from the facts until then
            await connection.execute("UPDATE case_units_years SET set_aside = true")
        affected = await connection.fetchval(_AFFECTED, sorted(cases), sorted(agreements))
        await connection.execute(
            "INSERT INTO case_units_stale SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING",
            affected)
        return Refreshed(None, aside=True)
    if kept is None:
        return await _refresh_every_case(connection)
    if not (cases or agreements or kept.set_aside):
        return Refreshed(kept.years)
    affected = await connection.fetchval(_AFFECTED, sorted(cases), sorted(agreements))
    if kept.set_aside:
        affected = await connection.fetchval(
            "WITH stale AS (DELETE FROM case_units_stale RETURNING case_id) "
            "SELECT coalesce(array_agg(DISTINCT c), '{}') FROM "
            "(SELECT unnest($1::uuid[]) AS c UNION SELECT case_id FROM stale) every", affected)
        await connection.execute("UPDATE case_units_years SET set_aside = false")
    async with counting_units(connection, many=len(affected) > CATCH_UP):
        await connection.execute(_RECOUNT_SOME, *arguments(*kept.years), affected)
    await case_cells.forget_empty(connection)
    return Refreshed(kept.years, stale=kept.set_aside, cases=affected)


async def _forget(connection: Connection) -> None:
    """Forget the units counted and what was remembered: every case is counted anew."""
    for table in ("case_units_years", "case_units_stale", "agreement_units_stale"):
        await connection.execute(f"DELETE FROM {table}")


def _window(first: int, last: int) -> tuple[int, int]:
    """The years kept of case events from `first` to `last`: the latest KEPT_YEARS."""
    return max(first, last - KEPT_YEARS + 1), last


async def _refresh_every_case(connection: Connection) -> Refreshed:
    row = await connection.fetchrow(_YEARS)
    if row is None or row[0] is None:
        return Refreshed(None)  # no case events yet
    years = _window(row[0], row[1])
    await refresh_all(connection, *years)
    return Refreshed(years, everything=True)


async def refresh_all(connection: Connection, first_year: int, last_year: int) -> None:
    """Every case's units for the years (the first batch, a new year, after a rebuild)."""
    await connection.execute("DELETE FROM case_units")
    await _forget(connection)
    await connection.execute("INSERT INTO case_units_years VALUES ($1, $2)", first_year, last_year)
    async with counting_units(connection, many=True):
        await connection.execute(_REFRESH_ALL, *arguments(first_year, last_year))
        await case_cells.count_all(connection)
