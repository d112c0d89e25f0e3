"""Agreement units kept with the facts, beside the case units (`case_units`).

Budget and capacity utilisation, the success gap and impact-goal achievement
derive their units per agreement and period from the priced deliveries, the
services' days, the closures and the reports: at a city's size that takes up to
seconds per question. So each batch also keeps `agreement_units` (per unit
kind, period label and agreement: the sums, the headcount and the persons of
`agreement_sql`'s units, the persons by their record keys, so that a question
sums those instead of hashing every person's pseudonym again) and
`agreement_dimensions` (each agreement's provider, field of action, budget
product, districts and target groups). They cover the same years as the case
units; report timeliness is not kept, since what is due moves with the day.

A batch of a few deliveries must not price every delivery of the agreements
they were made under again: an agreement serves hundreds of cases. So budget
and capacity utilisation keep what each person used under each agreement in
each period (`agreement_uses`), counted again with the case units of the
person's cases, and an agreement's units of those kinds are summed from its
uses beside what its running segments allow. The success gap and impact-goal
achievement are counted from the facts for the agreements a batch names, those
of the reports it names and those serving a case whose services or closures it
changes.
"""

# ruff: noqa: S608 - the SQL is put together from constants only; values are parameters.
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from services.metrics.indicators import agreement_sql
from services.metrics.indicators.agreement_sql import (
    AGREEMENT_NEEDS,
    PER_AGREEMENT,
    agreement_expressions,
)
from services.metrics.indicators.case_sql import (
    NEEDS,
    case_expressions,
    with_clause,
)
from services.metrics.indicators.case_units import (
    CATCH_UP,
    Refreshed,
    arguments,
    counting_units,
)
from services.metrics.indicators.disclosure import RECORD_KEY_SQL
from shared.contracts import (
    CaseAssessed,
    DeliveryReversed,
    GoalReviewed,
    GoalWithdrawn,
    HelpPlanGoalSet,
    HelpPlanGoalSetV2,
    IntegrationEvent,
    ServiceDeliveryRecorded,
)
from shared.envelope import Envelope
from shared.indicators import IndicatorId
from shared.projection import Connection

KINDS = (IndicatorId.BUDGET_UTILISATION, IndicatorId.CAPACITY_UTILISATION,
         IndicatorId.REPORTED_VS_LOGGED_SUCCESS, IndicatorId.IMPACT_GOAL_ACHIEVEMENT)
# Summed from the persons' uses kept (`agreement_uses`).
USED_KINDS = tuple(kind for kind in KINDS if kind in PER_AGREEMENT)
# Counted from the facts per agreement.
FACT_KINDS = tuple(kind for kind in KINDS if kind not in PER_AGREEMENT)
_UNIT_COLUMNS = ("kind, label, agreement_id, numerator, denominator, reference_numerator, "
                 "reference_denominator, headcount, person_keys, alone, alone_keys")
_USE_COLUMNS = "kind, label, agreement_id, client, record_key, amount, alone"
_DIMENSION_COLUMNS = ("agreement_id, provider_id, field_of_action, budget_product, districts, "
                      "target_groups")
# Case events that change no agreement's success gap (only what a person used, if anything).
_NOT_SERVING = (ServiceDeliveryRecorded, DeliveryReversed, GoalReviewed, GoalWithdrawn,
                HelpPlanGoalSet, HelpPlanGoalSetV2, CaseAssessed)


def _with(wanted: Iterable[str], some: bool, *, agreements: bool = True) -> str:
    return with_clause((*(("agreements",) if agreements else ()), *wanted),
                       {**case_expressions(some), **agreement_expressions(some)},
                       {**NEEDS, **AGREEMENT_NEEDS})


# Budget and capacity utilisation have one unit per agreement and period, so that a
# person served under one agreement only (over all their cases) is in one unit of a
# period at most: such a person is counted into the unit's `alone` and `alone_keys`
# instead of its `person_keys`, and a cell adds those up instead of counting them
# distinct. (A report's persons are those of the agreement's other reports of the
# period too: never alone.)
# The persons of the cases counted served under one agreement only, over all their cases.
_ALONE = ("alone (client) AS (SELECT o.client_pseudonym FROM case_opened o "
          "JOIN case_services s USING (case_id) WHERE o.client_pseudonym IN "
          "(SELECT client FROM known_cases) GROUP BY 1 HAVING count(DISTINCT s.agreement_id) = 1)")


def _persons(kind: str) -> str:
    """The SELECT of a unit's persons (`u.persons`, pseudonyms) as person_keys, alone and
    alone_keys (a lateral subquery)."""
    key = RECORD_KEY_SQL.format(client="p")
    single = "p IN (SELECT client FROM alone)" if kind in USED_KINDS else "false"
    return ("SELECT coalesce(array_agg(k) FILTER (WHERE NOT single), '{}') AS person_keys, "
            "count(*) FILTER (WHERE single)::int AS alone, "
            "coalesce(sum(k) FILTER (WHERE single), 0) AS alone_keys "
            f"FROM (SELECT {key} AS k, {single} AS single FROM unnest(u.persons) p) y")


def units_sql(some: bool, kinds: Sequence[str] = KINDS) -> str:
    """The SELECT of the kinds' units from the facts (with `some`: of the agreements in $12,
    whose cases are those in $11), in the columns of `agreement_units`: what the units kept
    equal."""
    reads = tuple(dict.fromkeys(name for kind in kinds
                                for name in agreement_sql.UNITS[kind][1]))
    units = " UNION ALL ".join(
        f"SELECT '{kind}'::text, u.label, u.agreement_id, u.numerator::numeric, "
        "u.denominator::numeric, u.reference_numerator::numeric, "
        "u.reference_denominator::numeric, u.headcount::int, x.person_keys, x.alone, "
        f"x.alone_keys FROM ({agreement_sql.UNITS[kind][0]}) u (agreement_id, label, "
        "numerator, denominator, reference_numerator, reference_denominator, persons, "
        f"headcount) CROSS JOIN LATERAL ({_persons(kind)}) x"
        for kind in kinds)
    return f"{_with(reads, some)},\n{_ALONE}\n{units}"


def _uses(some: bool) -> tuple[str, str]:
    """The WITH list and the SELECT of `uses_sql`."""
    reads = tuple(dict.fromkeys(name for kind in PER_AGREEMENT.values()
                                for name in kind.used_reads))
    uses = " UNION ALL ".join(
        f"SELECT '{indicator}'::text AS kind, u.label, u.agreement_id, u.client, u.amount "
        f"FROM ({kind.used}) u (agreement_id, label, client, amount) WHERE u.amount <> 0"
        for indicator, kind in PER_AGREEMENT.items())
    return (f"{_with(reads, some, agreements=False)},\n{_ALONE},\nuses AS ({uses})",
            f"SELECT kind, label, agreement_id, client, {RECORD_KEY_SQL.format(client='client')}"
            ", amount, client IN (SELECT client FROM alone) FROM uses")


def uses_sql(some: bool) -> str:
    """The SELECT of what each person used under each agreement in each period (with
    `some`: the persons of the cases in $11, each with all their cases), in the columns of
    `agreement_uses`; only uses not zero."""
    return "\n".join(_uses(some))


# The uses of the persons of the cases in $11 counted again: those that changed are
# deleted and inserted, and the units they are in returned (kinds, labels, agreements).
_RECOUNT_USES = (
    f"{_uses(True)[0]},\nnew AS ({_uses(True)[1]}),\n"
    f"old AS (SELECT {_USE_COLUMNS} FROM agreement_uses "
    "WHERE client IN (SELECT client FROM known_cases)),\n"
    "gone AS (DELETE FROM agreement_uses u USING (SELECT * FROM old EXCEPT ALL "
    "SELECT * FROM new) x WHERE u.client = x.client AND u.agreement_id = x.agreement_id "
    "AND u.kind = x.kind AND u.label = x.label RETURNING u.kind, u.label, u.agreement_id),\n"
    f"added AS (INSERT INTO agreement_uses ({_USE_COLUMNS}) SELECT * FROM new EXCEPT ALL "
    "SELECT * FROM old RETURNING kind, label, agreement_id)\n"
    "SELECT coalesce(array_agg(kind), '{}'), coalesce(array_agg(label), '{}'), "
    "coalesce(array_agg(agreement_id), '{}') FROM (SELECT * FROM gone UNION "
    "SELECT * FROM added) changed")


def summed_sql(some: bool) -> str:
    """The SELECT of the budget and capacity units from the uses kept and what the
    agreements' running segments allow: the units of `units_sql` of those kinds. With
    `some`, those of the agreements in $13 and the units named by kind, label and
    agreement in $14-$16 only ($12: the agreements of both). Takes the parameters $1-$10
    (and $11) of `units_sql`."""
    reads = tuple(dict.fromkeys(name for kind in PER_AGREEMENT.values()
                                for name in kind.allowed_reads))
    allowed = " UNION ALL ".join(
        f"SELECT '{indicator}'::text AS kind, agreement_id, label, amount "
        f"FROM ({kind.allowed}) r" for indicator, kind in PER_AGREEMENT.items())
    kinds = ", ".join(f"('{indicator}')" for indicator in PER_AGREEMENT)
    wanted = ("SELECT kind, label, agreement_id FROM unnest($14::text[], $15::text[], "
              "$16::uuid[]) AS t (kind, label, agreement_id) UNION " if some else "") + (
        f"SELECT k.kind, b.label, a.agreement_id FROM agreements a CROSS JOIN buckets b "
        f"CROSS JOIN (VALUES {kinds}) k (kind)"
        + (" WHERE a.agreement_id = ANY($13::uuid[])" if some else ""))
    return (
        f"{_with(('buckets', *reads), some)},\n"
        f"wanted AS ({wanted}),\n"
        f"allowed AS ({allowed}),\n"
        "used AS (SELECT kind, agreement_id, label, sum(amount) AS amount, "
        "coalesce(array_agg(record_key) FILTER (WHERE NOT alone), '{}') AS person_keys, "
        "count(*) FILTER (WHERE alone)::int AS alone, "
        "coalesce(sum(record_key) FILTER (WHERE alone), 0) AS alone_keys "
        "FROM agreement_uses JOIN wanted USING (kind, label, agreement_id) GROUP BY 1, 2, 3)\n"
        "SELECT w.kind, w.label, w.agreement_id, coalesce(u.amount, 0)::numeric, "
        "coalesce(r.amount, 0)::numeric, 0::numeric, 0::numeric, 0, "
        "coalesce(u.person_keys, '{}'), coalesce(u.alone, 0), coalesce(u.alone_keys, 0) "
        "FROM wanted w JOIN agreements a USING (agreement_id) "
        "LEFT JOIN allowed r USING (kind, agreement_id, label) "
        "LEFT JOIN used u USING (kind, agreement_id, label) "
        "WHERE coalesce(r.amount, 0) <> 0 OR coalesce(u.amount, 0) <> 0")


def dimensions_sql(some: bool) -> str:
    """The SELECT of the agreements' dimensions, in the columns of `agreement_dimensions`."""
    # (The periods are not read, but the statement takes the parameters of the units.)
    return (f"{_with(('buckets',), some)}\nSELECT agreement_id, provider_id, field_of_action, "
            "budget_product, districts, target_groups FROM agreements")


_COUNT_FACT_KINDS = {some: f"INSERT INTO agreement_units ({_UNIT_COLUMNS}) "
                           f"{units_sql(some, FACT_KINDS)}" for some in (False, True)}
_COUNT_USES = f"INSERT INTO agreement_uses ({_USE_COLUMNS}) {uses_sql(some=False)}"
_SUM_USES = {some: f"INSERT INTO agreement_units ({_UNIT_COLUMNS}) {summed_sql(some)}"
             for some in (False, True)}
_COUNT_DIMENSIONS = {some: f"INSERT INTO agreement_dimensions ({_DIMENSION_COLUMNS}) "
                           f"{dimensions_sql(some)}" for some in (False, True)}
# The agreements whose gap, goals and dimensions a batch changes: named, of the reports
# named, serving a case whose services or closures it changes.
_COUNTED = (
    "SELECT coalesce(array_agg(DISTINCT agreement_id), '{}') FROM ("
    "SELECT unnest($1::uuid[]) AS agreement_id UNION "
    "SELECT agreement_id FROM report_facts WHERE report_id = ANY($2::uuid[]) UNION "
    "SELECT agreement_id FROM case_services WHERE case_id = ANY($3::uuid[])) named "
    "WHERE agreement_id IS NOT NULL"
)
_SERVED = ("SELECT coalesce(array_agg(DISTINCT case_id), '{}') FROM case_services "
           "WHERE agreement_id = ANY($1::uuid[])")
# The agreements the uses of the persons of some cases are under.
_USED_UNDER = ("SELECT coalesce(array_agg(DISTINCT agreement_id), '{}') FROM agreement_uses "
               "WHERE client IN (SELECT client_pseudonym FROM case_opened "
               "WHERE case_id = ANY($1::uuid[]))")


async def refresh(connection: Connection, events: Sequence[tuple[Envelope, IntegrationEvent]],
                  refreshed: Refreshed) -> None:
    """Bring the agreement units up to date with a batch (after `case_units.refresh`): the
    uses of the persons whose cases it counted again and the units those uses are in, the
    units of the agreements it names (what they allow, their gap and goals, their
    dimensions) and the gap of those serving a case whose services or closures it changes;
    remembering what a catch-up touched while the units are set aside."""
    if refreshed.years is None and not refreshed.aside:
        return
    if refreshed.everything:
        assert refreshed.years is not None
        await _refresh_every_agreement(connection, refreshed.years)
        return
    named = sorted({str(e.agreement_id) for _, e in events if hasattr(e, "agreement_id")})
    reports = sorted({str(e.report_id) for _, e in events if hasattr(e, "report_id")})
    serving = sorted({str(e.case_id) for _, e in events
                      if hasattr(e, "case_id") and not isinstance(e, _NOT_SERVING)})
    counted = await connection.fetchval(_COUNTED, named, reports, serving)
    if refreshed.aside:  # (the case units remember the cases, whose uses follow them)
        await connection.execute("INSERT INTO agreement_units_stale "
                                 "SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING", counted)
        return
    assert refreshed.years is not None
    if refreshed.stale:
        stale = await connection.fetchval(
            "WITH stale AS (DELETE FROM agreement_units_stale RETURNING agreement_id) "
            "SELECT coalesce(array_agg(agreement_id), '{}') FROM stale")
        counted = sorted({*counted, *stale})
        named = sorted({*named, *map(str, stale)})
    parameters = arguments(*refreshed.years)
    changed = await _recount_uses(connection, parameters, refreshed.cases)
    await _sum_uses(connection, parameters, named, changed)
    await _count_from_facts(connection, parameters, counted)


async def _recount_uses(connection: Connection, parameters: list[Any],
                        cases: Sequence[UUID]) -> tuple[list[str], list[str], list[UUID]]:
    """The uses of the persons of `cases` counted again; the units whose uses changed."""
    if not cases:
        return [], [], []
    async with counting_units(connection, many=len(cases) > CATCH_UP):
        row = await connection.fetchrow(_RECOUNT_USES, *parameters, cases)
    assert row is not None
    return row[0], row[1], row[2]


async def _sum_uses(connection: Connection, parameters: list[Any], agreements: Sequence[Any],
                    changed: tuple[list[str], list[str], list[UUID]]) -> None:
    """The budget and capacity units of `agreements` (what they allow may have changed) and
    those whose uses changed, summed from the uses again."""
    if not (agreements or changed[0]):
        return
    many = len(agreements) > CATCH_UP or len(changed[0]) > 10 * CATCH_UP  # (after a catch-up)
    async with counting_units(connection, many=many):
        await connection.execute("DELETE FROM agreement_units WHERE kind = ANY($1::text[]) "
                                 "AND agreement_id = ANY($2::uuid[])",
                                 list(USED_KINDS), agreements)
        await connection.execute(
            "DELETE FROM agreement_units u USING unnest($1::text[], $2::text[], $3::uuid[]) "
            "AS t (kind, label, agreement_id) WHERE u.kind = t.kind AND u.label = t.label "
            "AND u.agreement_id = t.agreement_id", *changed)
        await connection.execute(_SUM_USES[True], *parameters, None,
                                 sorted({*map(str, agreements), *map(str, changed[2])}),
                                 agreements, *changed)


async def _count_from_facts(connection: Connection, parameters: list[Any],
                            agreements: Sequence[UUID]) -> None:
    """The success gap, impact-goal achievement and dimensions of `agreements`."""
    if not agreements:
        return
    async with counting_units(connection, many=True):  # an agreement's units count its cases
        await connection.execute("DELETE FROM agreement_units WHERE kind = ANY($1::text[]) "
                                 "AND agreement_id = ANY($2::uuid[])",
                                 list(FACT_KINDS), agreements)
        await connection.execute(
            "DELETE FROM agreement_dimensions WHERE agreement_id = ANY($1::uuid[])", agreements)
        served = await connection.fetchval(_SERVED, agreements)
        await connection.execute(_COUNT_FACT_KINDS[True], *parameters, served, agreements)
        await connection.execute(_COUNT_DIMENSIONS[True], *parameters, served, agreements)


async def _refresh_every_agreement(connection: Connection, years: tuple[int, int]) -> None:
    """Every person's uses, every agreement's units and dimensions (with every case's)."""
    for table in ("agreement_uses", "agreement_units", "agreement_dimensions"):
        await connection.execute(f"DELETE FROM {table}")
    parameters = arguments(*years)
    async with counting_units(connection, many=True):
        for statement in (_COUNT_USES, _SUM_USES[False], _COUNT_FACT_KINDS[False],
                          _COUNT_DIMENSIONS[False]):
            await connection.execute(statement, *parameters)


def cells_sql(by: Sequence[str], provider: bool) -> str:
    """The cells of a kept kind ($1) in the periods labelled $2 along `by` (the only
    provider $3 if `provider`), as `in_database` counts an agreement indicator's units."""
    return ("WITH units AS (SELECT * FROM agreement_units "
            "WHERE kind = $1 AND label = ANY($2::text[])),\n"
            + agreement_sql.agreement_cells("units", "agreement_dimensions", by,
                                            "$3" if provider else None, keyed=True))
