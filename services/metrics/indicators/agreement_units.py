"""Agreement units kept with the facts, beside the case units (`case_units`).

Budget and capacity utilisation, the success gap and impact-goal achievement
derive their units per agreement and period from the priced deliveries, the
services' days, the closures and the reports: at a city's size that takes up to
seconds per question. So each batch also keeps `agreement_units` (per unit
kind, period label and agreement: the sums, the headcount and the persons of
`agreement_sql`'s units, the persons by their record keys, so that a question
sums those instead of hashing every person's pseudonym again) and
`agreement_dimensions` (each agreement's provider, field of action, budget
product, districts and target groups), for the agreements it touched: those it
names, those of the reports it names and those the cases it touched are served
under. They cover the same years as the case units; report timeliness is not
kept, since what is due moves with the day.
"""

# ruff: noqa: S608 - the SQL is put together from constants only; values are parameters.
from __future__ import annotations

from collections.abc import Sequence

from services.metrics.indicators import agreement_sql
from services.metrics.indicators.agreement_sql import (
    AGREEMENT_NEEDS,
    agreement_expressions,
)
from services.metrics.indicators.case_sql import (
    NEEDS,
    case_expressions,
    with_clause,
)
from services.metrics.indicators.case_units import Refreshed, arguments, counting_many_units
from services.metrics.indicators.disclosure import RECORD_KEY_SQL
from shared.contracts import IntegrationEvent
from shared.envelope import Envelope
from shared.indicators import IndicatorId
from shared.projection import Connection

KINDS = (IndicatorId.BUDGET_UTILISATION, IndicatorId.CAPACITY_UTILISATION,
         IndicatorId.REPORTED_VS_LOGGED_SUCCESS, IndicatorId.IMPACT_GOAL_ACHIEVEMENT)
_UNIT_COLUMNS = ("kind, label, agreement_id, numerator, denominator, reference_numerator, "
                 "reference_denominator, headcount, person_keys, alone, alone_keys")
_DIMENSION_COLUMNS = ("agreement_id, provider_id, field_of_action, budget_product, districts, "
                      "target_groups")


def _with(wanted: tuple[str, ...], some: bool) -> str:
    return with_clause(("agreements", *wanted),
                       {**case_expressions(some), **agreement_expressions(some)},
                       {**NEEDS, **AGREEMENT_NEEDS})


# The kinds whose units are one per agreement and period, so that a person served under
# one agreement only (over all their cases) is in one unit of a period at most: such a
# person is counted into the unit's `alone` and `alone_keys` instead of its `person_keys`,
# and a cell adds those up instead of counting them distinct. (A report's persons are
# those of the agreement's other reports of the period too: never alone.)
_ALONE_KINDS = (IndicatorId.BUDGET_UTILISATION, IndicatorId.CAPACITY_UTILISATION)
# The persons of the cases counted served under one agreement only, over all their cases.
_ALONE = ("alone (client) AS (SELECT o.client_pseudonym FROM case_opened o "
          "JOIN case_services s USING (case_id) WHERE o.client_pseudonym IN "
          "(SELECT client FROM known_cases) GROUP BY 1 HAVING count(DISTINCT s.agreement_id) = 1)")


def _persons(kind: str) -> str:
    """The SELECT of a unit's persons (`u.persons`, pseudonyms) as person_keys, alone and
    alone_keys (a lateral subquery)."""
    key = RECORD_KEY_SQL.format(client="p")
    single = "p IN (SELECT client FROM alone)" if kind in _ALONE_KINDS else "false"
    return ("SELECT coalesce(array_agg(k) FILTER (WHERE NOT single), '{}') AS person_keys, "
            "count(*) FILTER (WHERE single)::int AS alone, "
            "coalesce(sum(k) FILTER (WHERE single), 0) AS alone_keys "
            f"FROM (SELECT {key} AS k, {single} AS single FROM unnest(u.persons) p) y")


def units_sql(some: bool) -> str:
    """The SELECT of the kept kinds' units (with `some`: of the agreements in $12, whose
    cases are those in $11), in the columns of `agreement_units`."""
    reads = tuple(dict.fromkeys(name for kind in KINDS
                                for name in agreement_sql.UNITS[kind][1]))
    units = " UNION ALL ".join(
        f"SELECT '{kind}'::text, u.label, u.agreement_id, u.numerator::numeric, "
        "u.denominator::numeric, u.reference_numerator::numeric, "
        "u.reference_denominator::numeric, u.headcount::int, x.person_keys, x.alone, "
        f"x.alone_keys FROM ({agreement_sql.UNITS[kind][0]}) u (agreement_id, label, "
        "numerator, denominator, reference_numerator, reference_denominator, persons, "
        f"headcount) CROSS JOIN LATERAL ({_persons(kind)}) x"
        for kind in KINDS)
    return f"{_with(reads, some)},\n{_ALONE}\n{units}"


def dimensions_sql(some: bool) -> str:
    """The SELECT of the agreements' dimensions, in the columns of `agreement_dimensions`."""
    # (The periods are not read, but the statement takes the parameters of the units.)
    return (f"{_with(('buckets',), some)}\nSELECT agreement_id, provider_id, field_of_action, "
            "budget_product, districts, target_groups FROM agreements")


_REFRESH = {some: (f"INSERT INTO agreement_units ({_UNIT_COLUMNS}) {units_sql(some)}",
                   f"INSERT INTO agreement_dimensions ({_DIMENSION_COLUMNS}) "
                   f"{dimensions_sql(some)}") for some in (False, True)}
# The agreements a batch touched: named, of the reports named, serving the cases named or
# another case of their persons (whose units say whether the person is `alone`).
_AFFECTED = (
    "SELECT coalesce(array_agg(DISTINCT agreement_id), '{}') FROM ("
    "SELECT unnest($1::uuid[]) AS agreement_id UNION "
    "SELECT agreement_id FROM report_facts WHERE report_id = ANY($2::uuid[]) UNION "
    "SELECT agreement_id FROM case_services WHERE case_id IN (SELECT other.case_id "
    "FROM case_opened one JOIN case_opened other USING (client_pseudonym) "
    "WHERE one.case_id = ANY($3::uuid[]))) named "
    "WHERE agreement_id IS NOT NULL"
)
_SERVED = ("SELECT coalesce(array_agg(DISTINCT case_id), '{}') FROM case_services "
           "WHERE agreement_id = ANY($1::uuid[])")


async def refresh(connection: Connection, events: Sequence[tuple[Envelope, IntegrationEvent]],
                  refreshed: Refreshed) -> None:
    """Bring the agreement units up to date with a batch (after `case_units.refresh`): as
    the case units, remembering what a catch-up touched while they are set aside."""
    if refreshed.years is None and not refreshed.aside:
        return
    async with counting_many_units(connection):  # an agreement's units count its cases
        await _refresh(connection, events, refreshed)


async def _refresh(connection: Connection, events: Sequence[tuple[Envelope, IntegrationEvent]],
                   refreshed: Refreshed) -> None:
    if refreshed.everything:
        assert refreshed.years is not None
        await connection.execute("DELETE FROM agreement_units")
        await connection.execute("DELETE FROM agreement_dimensions")
        for statement in _REFRESH[False]:
            await connection.execute(statement, *arguments(*refreshed.years))
        return
    named = {str(e.agreement_id) for _, e in events if hasattr(e, "agreement_id")}
    reports = {str(e.report_id) for _, e in events if hasattr(e, "report_id")}
    cases = {str(e.case_id) for _, e in events if hasattr(e, "case_id")}
    agreements = await connection.fetchval(_AFFECTED, sorted(named), sorted(reports),
                                           sorted(cases))
    if refreshed.aside:
        await connection.execute("INSERT INTO agreement_units_stale "
                                 "SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING", agreements)
        return
    assert refreshed.years is not None
    if refreshed.stale:
        agreements = await connection.fetchval(
            "WITH stale AS (DELETE FROM agreement_units_stale RETURNING agreement_id) "
            "SELECT coalesce(array_agg(DISTINCT a), '{}') FROM "
            "(SELECT unnest($1::uuid[]) AS a UNION SELECT agreement_id FROM stale) every",
            agreements)
    if not agreements:
        return
    served = await connection.fetchval(_SERVED, agreements)
    await connection.execute("DELETE FROM agreement_units WHERE agreement_id = ANY($1::uuid[])",
                             agreements)
    await connection.execute(
        "DELETE FROM agreement_dimensions WHERE agreement_id = ANY($1::uuid[])", agreements)
    for statement in _REFRESH[True]:
        await connection.execute(statement, *arguments(*refreshed.years), served, agreements)


def cells_sql(by: Sequence[str], provider: bool) -> str:
    """The cells of a kept kind ($1) in the periods labelled $2 along `by` (the only
    provider $3 if `provider`), as `in_database` counts an agreement indicator's units."""
    return ("WITH units AS (SELECT * FROM agreement_units "
            "WHERE kind = $1 AND label = ANY($2::text[])),\n"
            + agreement_sql.agreement_cells("units", "agreement_dimensions", by,
                                            "$3" if provider else None, keyed=True))
