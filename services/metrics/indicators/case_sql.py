"""The units of the case, target-group and society indicators, as SQL over the facts.

Each indicator's units are one SELECT of (case_id, label, numerator,
denominator, value) rows, one per case and period, built from
the common table expressions below; `in_database` counts them into cells.
The rules are those of the oracle in `tests.metrics.oracle` (CaseRecord,
case_units: the Python implementation the equivalence test compares with), written for
PostgreSQL so that a city-year never leaves the database. Parameters: $1 the
as_of time (NULL: everything), $2/$3/$4 the periods' first days, last days
and labels, $5 the day counted as today, and the rules the cases service
counts with too ($6 rho and $7 the expected level of GAS, $8 the months of the
re-entry window, $9 the reasons of a successful and $10 those of a planned
closure: `in_database.RULES`). The case history relies on what the case
aggregate guarantees: a closure only of an open case, a reopening only of a
closed one.
"""

# ruff: noqa: S608 - the SQL is put together from this module's constants only; every value
# (as_of, periods, provider) is a query parameter.
from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.metrics.indicators.cells import NONE
from shared.indicators import IndicatorId


def known(alias: str) -> str:
    """Recorded up to the as_of time."""
    return f"($1::timestamptz IS NULL OR {alias}.recorded_at <= $1)"


def case_expressions(some_cases: bool = False) -> dict[str, str]:
    """The common table expressions; with `some_cases`, each case table is read only for
    the cases of the parameter $11 (a uuid[]: how `case_units` refreshes some cases)."""

    def of_cases(alias: str) -> str:
        return known(alias) + (f" AND {alias}.case_id = ANY($11::uuid[])" if some_cases else "")

    return {
        # Every query names each of its parameters (and their types), those it reads elsewhere
        # and those it does not read at all.
        "parameters": "SELECT $5::date AS today, $6::float8 AS rho, $7::int AS expected_level, "
                      "$8::int AS reentry_months, $9::text[] AS successful, $10::text[] AS planned",
        "buckets": "SELECT * FROM unnest($2::date[], $3::date[], $4::text[]) "
                   "AS b(first_day, last_day, label)",
        "known_cases": "SELECT case_id, client_pseudonym AS client, field_of_action, "
                       "target_groups, district, age_band, occurred_on AS opened_on "
                       "FROM case_opened o "
                       f"WHERE {of_cases('o')}",
        # Closures and reopenings in version order; k counts each kind from 1.
        "changes": "SELECT case_id, version, status, reason, occurred_on AS day, "
                   "row_number() OVER (PARTITION BY case_id, status ORDER BY version) AS k "
                   f"FROM case_status s WHERE status <> 'assessed' AND {of_cases('s')}",
        # The closure that stands: the latest change, if it is one.
        "closures": "SELECT * FROM (SELECT DISTINCT ON (case_id) case_id, status, reason, day "
                    "FROM changes ORDER BY case_id, version DESC) latest WHERE status = 'closed'",
        # Spell k runs from the opening (k = 1) or the (k-1)th reopening to the kth closure.
        "spells": "SELECT s.case_id, s.k, s.first_day, e.day AS last_day FROM ("
                  "SELECT case_id, 1 AS k, opened_on AS first_day FROM known_cases UNION ALL "
                  "SELECT case_id, k + 1, day FROM changes WHERE status = 'reopened') s "
                  "LEFT JOIN changes e ON e.case_id = s.case_id AND e.status = 'closed' "
                  "AND e.k = s.k",
        # Cases active in a period, with the end of their spell running on its last day.
        "active": "SELECT b.label, b.last_day AS day, s.case_id, "
                  "(array_agg(s.last_day ORDER BY s.k DESC))[1] AS spell_end "
                  "FROM spells s JOIN buckets b ON s.first_day <= b.last_day "
                  "GROUP BY b.label, b.last_day, s.case_id "
                  "HAVING bool_or(s.last_day IS NULL OR s.last_day >= b.first_day)",
        "closed": "SELECT b.label, c.case_id, coalesce(c.reason, '') AS reason, c.day "
                  "FROM closures c JOIN buckets b ON c.day BETWEEN b.first_day AND b.last_day",
        # A goal withdrawn (as known) was set wrongly: neither it nor its reviews count.
        "weights": "SELECT DISTINCT ON (case_id, goal_id) case_id, goal_id, "
                   "weight::float8 AS weight "
                   f"FROM case_goals g WHERE {of_cases('g')} AND NOT EXISTS (SELECT FROM "
                   "goal_withdrawals x WHERE x.case_id = g.case_id AND x.goal_id = g.goal_id "
                   f"AND {known('x')}) ORDER BY case_id, goal_id, version DESC",
        # Each review stands from its day until the goal's next review.
        "reviews": "SELECT r.case_id, r.goal_id, r.level, r.occurred_on AS day, "
                   "lead(r.occurred_on) OVER (PARTITION BY r.case_id, r.goal_id "
                   "ORDER BY r.occurred_on, r.version) AS next_day "
                   f"FROM goal_reviews r WHERE {of_cases('r')}",
        "services": "SELECT DISTINCT ON (case_id, service_id) case_id, service_id, agreement_id, "
                    "start_date FROM case_services v "
                    f"WHERE change = 'assigned' AND {of_cases('v')} "
                    "ORDER BY case_id, service_id, version DESC",
        # Agreements whose draft is known, with their terms as drafted and edited.
        "terms": "SELECT agreement_id, "
                 "(array_agg(provider_id ORDER BY version DESC) "
                 "FILTER (WHERE change = 'drafted'))[1] AS provider_id, "
                 "(array_agg(budget_product_code ORDER BY version DESC) FILTER (WHERE change IN "
                 "('drafted', 'edited') AND budget_product_code IS NOT NULL))[1] "
                 "AS budget_product, "
                 "(array_agg(unit_price_cents ORDER BY version DESC) FILTER (WHERE change IN "
                 "('drafted', 'edited') AND unit_price_cents IS NOT NULL))[1] AS unit_price "
                 f"FROM agreement_facts a WHERE {known('a')} GROUP BY agreement_id "
                 "HAVING bool_or(change = 'drafted')",
        # The amended unit price from each amendment's day on: the latest amendment (by
        # version) in force on that day wins, as AgreementRecord.term has it.
        "amended_prices": "SELECT d.agreement_id, d.effective_on AS first_day, "
                          "lead(d.effective_on) OVER (PARTITION BY d.agreement_id "
                          "ORDER BY d.effective_on) AS next_day, "
                          "(SELECT p.unit_price_cents FROM agreement_facts p "
                          "WHERE p.agreement_id = d.agreement_id AND p.change = 'amended' "
                          "AND p.unit_price_cents IS NOT NULL AND p.effective_on <= d.effective_on "
                          f"AND {known('p')} ORDER BY p.version DESC LIMIT 1) AS price "
                          "FROM (SELECT DISTINCT agreement_id, effective_on FROM agreement_facts a "
                          "WHERE change = 'amended' AND unit_price_cents IS NOT NULL "
                          f"AND {known('a')}) d",
        # Deliveries less those reversed (as known), summed per service and delivery period,
        # with their price in cents.
        "priced": "SELECT d.case_id, d.first_day, d.last_day, d.units * coalesce(m.price, "
                  "t.unit_price) AS cents, s.agreement_id FROM (SELECT case_id, service_id, "
                  "period_start AS first_day, period_end AS last_day, sum(units) AS units FROM ("
                  "SELECT case_id, service_id, period_start, period_end, units, recorded_at "
                  "FROM deliveries UNION ALL SELECT case_id, service_id, period_start, period_end, "
                  f"-units, recorded_at FROM delivery_reversals) d WHERE {of_cases('d')} "
                  "GROUP BY 1, 2, 3, 4) d "
                  "JOIN services s ON s.case_id = d.case_id AND s.service_id = d.service_id "
                  "JOIN terms t ON t.agreement_id = s.agreement_id "
                  "LEFT JOIN amended_prices m ON m.agreement_id = s.agreement_id "
                  "AND m.first_day <= d.first_day "
                  "AND (m.next_day IS NULL OR m.next_day > d.first_day)"
                  " WHERE coalesce(m.price, t.unit_price) IS NOT NULL",
        "dimensions": "SELECT s.case_id, array_agg(DISTINCT s.agreement_id::text) AS agreements, "
                      "coalesce(array_agg(DISTINCT t.provider_id::text) "
                      "FILTER (WHERE t.agreement_id IS NOT NULL), '{}') AS providers, "
                      "coalesce(array_agg(DISTINCT t.budget_product) "
                      "FILTER (WHERE t.agreement_id IS NOT NULL), '{}') "
                      "AS budget_products FROM services s LEFT JOIN terms t USING (agreement_id) "
                      "GROUP BY s.case_id",
    }


CTES = case_expressions()
# What each common table expression reads of the others.
NEEDS: dict[str, tuple[str, ...]] = {
    "changes": (), "closures": ("changes",), "spells": ("known_cases", "changes"),
    "active": ("spells", "buckets"), "closed": ("closures", "buckets"),
    "priced": ("services", "terms", "amended_prices"), "dimensions": ("services", "terms"),
}


def t_scores(asked: str) -> str:
    """T-scores (and reviewed goals at or above the expected level) on each asked day."""
    return ("SELECT a.case_id, a.label, 50 + 10 * sum(w.weight * r.level) / "
            "sqrt((1 - $6::float8) * sum(w.weight * w.weight) + $6::float8 * "
            "sum(w.weight) ^ 2) AS score, "
            "count(*) FILTER (WHERE r.level >= $7::int) AS at_or_above, "
            f"count(*) AS reviewed FROM {asked} a JOIN reviews r ON r.case_id = a.case_id "
            "AND r.day <= a.day AND (r.next_day IS NULL OR r.next_day > a.day) "
            "JOIN weights w ON w.case_id = r.case_id AND w.goal_id = r.goal_id "
            "GROUP BY a.case_id, a.label")


_SCORES = ("reviews", "weights")
_AT_CLOSURE = f"({t_scores('closed')}) s"
# The last day of a closure's re-entry window (shared.closures.reentry_window_end).
_WINDOW_END = "(ch.day + make_interval(months => $8::int))::date"
# Per closure whether a re-entry followed, summed per case and period: one unit per case,
# as every other kind (`case_units` relies on it).
_REENTRY = (  # joins, not correlated subqueries: those scan the cases once per closure
    "SELECT case_id, label, sum(reentered), count(*), NULL FROM ("
    "SELECT ch.case_id, b.label, CASE WHEN bool_or(l.case_id IS NOT NULL "
    "OR o.case_id IS NOT NULL) THEN 1.0 ELSE 0.0 END AS reentered FROM changes ch "
    "JOIN buckets b ON ch.day BETWEEN b.first_day AND b.last_day "
    "JOIN known_cases k ON k.case_id = ch.case_id "
    "LEFT JOIN changes l ON l.case_id = ch.case_id AND l.version > ch.version "
    f"AND l.status = 'reopened' AND l.day <= {_WINDOW_END} "
    "LEFT JOIN known_cases o ON o.client = k.client AND o.case_id <> ch.case_id "
    f"AND o.opened_on BETWEEN ch.day AND {_WINDOW_END} "
    "WHERE ch.status = 'closed' AND ch.reason = ANY($9::text[]) "
    "GROUP BY ch.case_id, ch.version, b.label) closures GROUP BY case_id, label")
_IN_BUCKET = ("sum(p.cents * greatest(0, least(b.last_day, p.last_day) - "
              "greatest(b.first_day, p.first_day) + 1) / (p.last_day - p.first_day + 1))")
_SPEND = (  # a case whose deliveries in the period were all reversed spent nothing: no unit
    f"SELECT p.case_id, b.label, {_IN_BUCKET}::float8 / 100, "
    "0.0, NULL FROM priced p JOIN buckets b ON p.first_day <= b.last_day "
    f"AND p.last_day >= b.first_day GROUP BY p.case_id, b.label HAVING {_IN_BUCKET} <> 0")

# Per indicator: the units' SELECT and the expressions it reads.
UNITS: dict[str, tuple[str, tuple[str, ...]]] = {
    IndicatorId.ACTIVE_CASES: ("SELECT case_id, label, 1.0, 0.0, NULL FROM active", ("active",)),
    IndicatorId.ACTIVE_CASES_PER_1000: (
        "SELECT case_id, label, 1.0, 0.0, NULL FROM active", ("active",)),
    IndicatorId.CLIENTS_REACHED_PER_1000: (
        "SELECT case_id, label, 1.0, 0.0, NULL FROM active", ("active",)),
    IndicatorId.GAS_T_SCORE: (
        f"SELECT case_id, label, score, 1.0, NULL FROM ({t_scores('active')}) s",
        ("active", *_SCORES)),
    IndicatorId.GOALS_AT_OR_ABOVE_EXPECTED: (
        f"SELECT case_id, label, at_or_above, reviewed, NULL FROM ({t_scores('active')}) s",
        ("active", *_SCORES)),
    IndicatorId.CASE_DURATION: (
        "SELECT a.case_id, a.label, least(a.spell_end, a.day) - k.opened_on, 1.0, NULL "
        "FROM active a JOIN known_cases k USING (case_id)", ("active",)),
    IndicatorId.GOAL_ATTAINMENT_RATE: (
        f"SELECT case_id, label, CASE WHEN score >= 50 THEN 1.0 ELSE 0.0 END, 1.0, NULL "
        f"FROM {_AT_CLOSURE}", ("closed", *_SCORES)),
    IndicatorId.MEAN_T_SCORE_AT_CLOSURE: (
        f"SELECT case_id, label, score, 1.0, NULL FROM {_AT_CLOSURE}", ("closed", *_SCORES)),
    IndicatorId.PLANNED_CLOSURE_RATE: (
        "SELECT case_id, label, CASE WHEN reason = ANY($10::text[]) THEN 1.0 ELSE 0.0 END, "
        "1.0, NULL FROM closed", ("closed",)),
    IndicatorId.MEDIAN_DURATION: (
        "SELECT c.case_id, c.label, 0.0, 1.0, c.day - k.opened_on FROM closed c "
        "JOIN known_cases k USING (case_id)", ("closed",)),
    IndicatorId.DAYS_TO_FIRST_SERVICE: (
        "SELECT f.case_id, b.label, greatest(0, f.first_day - k.opened_on), 1.0, NULL "
        "FROM (SELECT case_id, min(start_date) AS first_day FROM services GROUP BY case_id) f "
        "JOIN known_cases k USING (case_id) "
        "JOIN buckets b ON f.first_day BETWEEN b.first_day AND b.last_day",
        ("services", "buckets")),
    IndicatorId.COST_PER_SUCCESSFUL_OUTCOME: (
        "SELECT c.case_id, c.label, coalesce(p.cents, 0)::float8 / 100, CASE WHEN c.reason = "
        "ANY($9::text[]) THEN 1.0 ELSE 0.0 END, NULL FROM closed c LEFT JOIN "
        "(SELECT case_id, sum(cents) AS cents FROM priced GROUP BY case_id) p USING (case_id)",
        ("closed", "priced")),
    IndicatorId.REENTRY_RATE: (_REENTRY, ("changes", "buckets")),
    IndicatorId.SPEND_PER_INHABITANT: (_SPEND, ("priced", "buckets")),
}


def with_clause(wanted: tuple[str, ...], ctes: Mapping[str, str] = CTES,
                needs: Mapping[str, tuple[str, ...]] = NEEDS) -> str:
    """`WITH` the expressions wanted and those they read, each once, in dependency order."""
    ordered: list[str] = []

    def add(name: str) -> None:
        for need in needs.get(name, ()):
            add(need)
        if name not in ordered:
            ordered.append(name)

    for name in ("parameters", "known_cases", *wanted):
        add(name)
    return "WITH " + ",\n".join(f"{name} AS ({ctes[name]})" for name in ordered)


def values_or_none(array: str) -> str:
    """The values of a dimension's `array` (an SQL expression), `-` if it has none."""
    return f"coalesce(nullif({array}, '{{}}'), ARRAY['{NONE}'])"


def unnested(by: Sequence[str], dimensions: dict[str, str]) -> str:
    """Each unit once under each value of each dimension in `by` (`-` for none)."""
    return "".join(f" CROSS JOIN LATERAL unnest({values_or_none(dimensions[name])}) AS d{index}"
                   for index, name in enumerate(by))


def grouped(by: Sequence[str]) -> str:
    keys = ", ".join(f"d{index}" for index in range(len(by)))
    return f" GROUP BY {keys}" if keys else " HAVING count(*) > 0"


def dimension_keys(by: Sequence[str]) -> str:
    """The dimension values a cell is keyed by, first in its SELECT."""
    return "".join(f"d{index}, " for index in range(len(by)))


def case_totals(client: str, record_key: str) -> str:
    """What the units `u` of a cell add up to, its persons being `client` and their record
    keys `record_key` (columns of the units or expressions over them)."""
    return ("sum(u.numerator::float8) AS numerator, sum(u.denominator::float8) AS denominator, "
            "0.0::float8 AS reference_numerator, 0.0::float8 AS reference_denominator, "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY u.value::float8) AS median, "
            f"count(u.value) AS values, count(DISTINCT {client}) AS persons, "
            f"sum(DISTINCT {record_key}) AS person_keys")
