"""The units of the agreement indicators, as SQL over the facts.

Each indicator's units are one SELECT of (agreement_id, label, numerator,
denominator, reference numerator, reference denominator, persons, headcount)
rows: one per agreement and period (budget, capacity), per report (the success
gap), per report and impact goal, or per report due (timeliness); `persons`
the pseudonyms behind it, `headcount` the participants a report names. The
rules are those of `agreements.AgreementRecord` and of the oracle in
`tests.metrics.oracle` (CaseRecord, agreement_units), the Python
implementation the equivalence test compares with: an
agreement's terms as drafted and edited, amended from each amendment's day
(the latest amendment by version wins), and the days it runs in runs of days
on which nothing changes (`_segments`). Parameters as in case_sql ($5, the day
counted as today, ends the reports due).
"""

# ruff: noqa: S608 - the SQL is put together from this module's constants only; every value
# (as_of, periods, provider) is a query parameter.
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.metrics.indicators.case_sql import dimension_keys, grouped, known, unnested
from services.metrics.indicators.disclosure import RECORD_KEY_SQL
from services.metrics.periods import REPORTING_MONTHS
from shared.indicators import IndicatorId

# An agreement's unit counts under the agreement's own dimensions.
DIMENSIONS = {
    "period": "ARRAY[u.label]", "agreement": "ARRAY[a.agreement_id::text]",
    "provider": "ARRAY[a.provider_id::text]", "field_of_action": "ARRAY[a.field_of_action]",
    "budget_product": "ARRAY[a.budget_product]", "district": "a.districts",
    "target_group": "a.target_groups",
}
_DRAFTED = "change IN ('drafted', 'edited')"


def _term(column: str) -> str:
    """A term as drafted and edited: its latest value."""
    return (f"(array_agg({column} ORDER BY version DESC) "
            f"FILTER (WHERE {_DRAFTED} AND {column} IS NOT NULL))[1]")


def _list_term(column: str) -> str:
    """A list term as drafted and edited ({} if none); array_agg cannot nest arrays."""
    return f"ARRAY(SELECT jsonb_array_elements_text({_term(f'to_jsonb({column})')}))"


def _latest(column: str, change: str) -> str:
    return f"(array_agg({column} ORDER BY version DESC) FILTER (WHERE change = '{change}'))[1]"


def _amended(column: str) -> str:
    """A term in force on a segment's first day: amended (latest version) or as drafted."""
    return (f"coalesce((array_agg(c.{column} ORDER BY c.version DESC) FILTER (WHERE "
            f"c.change = 'amended' AND c.{column} IS NOT NULL))[1], a.{column})")


def agreement_expressions(some_agreements: bool = False) -> dict[str, str]:
    """The common table expressions; with `some_agreements`, only the agreements of the
    parameter $12 and the cases of $11 (uuid[]s: how `agreement_units` refreshes some
    agreements, with the cases served under them)."""

    def of_agreements(alias: str) -> str:
        return known(alias) + (f" AND {alias}.agreement_id = ANY($12::uuid[])"
                               if some_agreements else "")

    def of_cases(alias: str) -> str:
        return known(alias) + (f" AND {alias}.case_id = ANY($11::uuid[])"
                               if some_agreements else "")

    return {
        # Agreements whose draft is known: their dimensions and terms as drafted and edited.
        "agreements": "SELECT agreement_id, "
                      f"{_latest('provider_id', 'drafted')} AS provider_id, "
                      f"{_term('budget_product_code')} AS budget_product, "
                      f"{_term('field_of_action')} AS field_of_action, "
                      f"{_list_term('districts')} AS districts, "
                      f"{_list_term('target_groups')} AS target_groups, "
                      f"{_term('term_start')} AS term_start, {_term('term_end')} AS term_end, "
                      f"{_term('annual_budget_cents')} AS annual_budget_cents, "
                      f"{_term('capacity')} AS capacity, {_term('impact_goals')} AS impact_goals, "
                      f"{_term('reporting_frequency')} AS reporting_frequency, "
                      f"{_term('reporting_due_days')} AS reporting_due_days, "
                      # the term end after every amendment, whatever its day (reporting periods)
                      "coalesce((array_agg(term_end ORDER BY version DESC) FILTER (WHERE change = "
                      f"'amended' AND term_end IS NOT NULL))[1], {_term('term_end')}) "
                      "AS last_term_end, "
                      f"{_latest('effective_on', 'signed')} IS NOT NULL AS signed, "
                      f"{_latest('effective_on', 'terminated')} AS terminated_on "
                      f"FROM agreement_facts a WHERE {of_agreements('a')} GROUP BY agreement_id "
                      "HAVING bool_or(change = 'drafted')",
        # Amendments, suspensions and resumptions: what changes from a day on.
        "agreement_changes": "SELECT agreement_id, version, change, effective_on, term_end, "
                             "annual_budget_cents, capacity FROM agreement_facts a "
                             "WHERE change IN ('amended', 'suspended', 'resumed') "
                             f"AND effective_on IS NOT NULL AND {of_agreements('a')}",
        # Per agreement and period, the days from which nothing changes up to the next (the
        # first day after the period ends the last): AgreementRecord._segments.
        "segments": "SELECT agreement_id, label, day AS first_day, lead(day) OVER (PARTITION BY "
                    "agreement_id, label ORDER BY day) - day AS days FROM ("
                    "SELECT a.agreement_id, b.label, c.day FROM agreements a CROSS JOIN buckets b "
                    "CROSS JOIN LATERAL (SELECT b.first_day UNION SELECT b.last_day + 1 UNION "
                    "SELECT make_date(y, 1, 1) FROM generate_series(extract(year FROM b.first_day)"
                    "::int, extract(year FROM b.last_day)::int + 1) y) c(day) "
                    "WHERE c.day BETWEEN b.first_day AND b.last_day + 1 "
                    "UNION SELECT c.agreement_id, b.label, c.day FROM (SELECT agreement_id, "
                    "term_start AS day FROM agreements UNION ALL SELECT agreement_id, term_end + 1 "
                    "FROM agreements WHERE term_end < '9999-12-31' UNION ALL SELECT agreement_id, "
                    "terminated_on FROM agreements UNION ALL SELECT agreement_id, effective_on "
                    "FROM agreement_changes UNION ALL SELECT agreement_id, term_end + 1 "
                    "FROM agreement_changes WHERE term_end < '9999-12-31') c "
                    "JOIN agreements USING (agreement_id) "
                    "JOIN buckets b ON c.day BETWEEN b.first_day AND b.last_day + 1) cuts",
        # The segments on which the agreement runs (AgreementRecord.runs_on their first day),
        # with the budget and capacity in force.
        "running": "SELECT agreement_id, label, first_day, days, annual_budget_cents, capacity "
                   "FROM ("
                   "SELECT s.agreement_id, s.label, s.first_day, s.days, a.signed, a.term_start, "
                   "a.terminated_on, " + _amended("term_end") + " AS term_end, "
                   + _amended("annual_budget_cents") + " AS annual_budget_cents, "
                   + _amended("capacity") + " AS capacity, (array_agg(c.change ORDER BY "
                   "c.version DESC) FILTER (WHERE c.change <> 'amended'))[1] AS pause "
                   "FROM segments s JOIN agreements a USING (agreement_id) "
                   "LEFT JOIN agreement_changes c ON c.agreement_id = s.agreement_id "
                   "AND c.effective_on <= s.first_day WHERE s.days IS NOT NULL "
                   "GROUP BY s.agreement_id, s.label, s.first_day, s.days, a.signed, a.term_start, "
                   "a.terminated_on, a.term_end, a.annual_budget_cents, a.capacity) t "
                   "WHERE signed AND first_day >= term_start AND first_day <= term_end "
                   "AND (terminated_on IS NULL OR first_day < terminated_on) "
                   "AND pause IS DISTINCT FROM 'suspended'",
        # Services of known cases: the latest assignment, ended by the first end after it.
        "service_spans": "SELECT s.case_id, s.service_id, s.agreement_id, s.start_date, "
                         "(array_agg(e.occurred_on ORDER BY e.version))[1] AS ended_on FROM ("
                         "SELECT DISTINCT ON (case_id, service_id) case_id, service_id, version, "
                         "agreement_id, start_date FROM case_services v "
                         f"WHERE change = 'assigned' AND {of_cases('v')} "
                         "ORDER BY case_id, service_id, version DESC) s "
                         "JOIN known_cases USING (case_id) "
                         "LEFT JOIN case_services e ON e.case_id = s.case_id "
                         "AND e.service_id = s.service_id AND e.change <> 'assigned' "
                         f"AND e.version > s.version AND {known('e')} "
                         "GROUP BY s.case_id, s.service_id, s.agreement_id, s.start_date",
        # Each report by its (latest) submission.
        "submissions": "SELECT DISTINCT ON (report_id) report_id, version, agreement_id, "
                       "period_start AS first_day, period_end AS last_day FROM report_facts r "
                       f"WHERE change = 'submitted' AND {of_agreements('r')} "
                       "ORDER BY report_id, version DESC",
        # Reports with figures: their latest revision, unless its latest review rejected it.
        "figures": "SELECT r.* FROM (SELECT DISTINCT ON (s.report_id) s.report_id, s.agreement_id, "
                   "s.first_day, s.last_day, f.revision, f.participants FROM submissions s "
                   "JOIN report_facts f ON f.report_id = s.report_id AND f.version >= s.version "
                   f"AND f.change IN ('submitted', 'resubmitted') AND {known('f')} "
                   "ORDER BY s.report_id, f.revision DESC, f.version DESC) r "
                   "LEFT JOIN (SELECT DISTINCT ON (v.report_id, v.revision) v.report_id, "
                   "v.revision, v.change FROM report_facts v JOIN submissions s "
                   "ON s.report_id = v.report_id AND v.version >= s.version "
                   f"WHERE v.change NOT IN ('submitted', 'resubmitted') AND {known('v')} "
                   "ORDER BY v.report_id, v.revision, v.version DESC) v "
                   "ON v.report_id = r.report_id AND v.revision = r.revision "
                   "WHERE v.change IS DISTINCT FROM 'rejected'",
        # Per report with figures, the impact goals of the latest amendment (by version) in
        # force on its period's last day, if any amended them (a join, not a subquery per report).
        "amended_goals": "SELECT DISTINCT ON (r.report_id) r.report_id, c.impact_goals "
                         "FROM figures r JOIN agreement_facts c ON c.agreement_id = r.agreement_id "
                         "AND c.change = 'amended' AND c.impact_goals IS NOT NULL "
                         f"AND c.effective_on <= r.last_day AND {known('c')} "
                         "ORDER BY r.report_id, c.version DESC",
        # Each submitted report by its agreement and reporting period's last day (of two, the
        # greater id, as AgreementRecord's dictionaries have it).
        "reported": "SELECT DISTINCT ON (agreement_id, period_end) agreement_id, "
                    "period_end AS last_day, due_on, late IS NOT TRUE AS on_time "
                    "FROM report_facts r "
                    f"WHERE change = 'submitted' AND {of_agreements('r')} "
                    "ORDER BY agreement_id, period_end, report_id DESC",
        # Every reporting period of a signed agreement's term (AgreementRecord.reporting_periods),
        # those starting after today left out: none of them is due yet.
        "reporting_periods": "SELECT a.agreement_id, (s + a.months)::date - 1 AS last_day, "
                             "a.reporting_due_days FROM (SELECT agreement_id, term_start, "
                             "reporting_due_days, make_interval(months => CASE reporting_frequency "
                             + " ".join(f"WHEN '{name}' THEN {months}"
                                        for name, months in REPORTING_MONTHS.items())
                             + " END) AS months, least(last_term_end, terminated_on - 1) AS last "
                             "FROM agreements WHERE signed) a CROSS JOIN LATERAL generate_series("
                             "date_trunc('year', a.term_start), least(a.last, $5::date), "
                             "a.months) s "
                             "WHERE (s + a.months)::date - 1 >= a.term_start",
        # Reports due: each reporting period whose due day has passed, and each report submitted
        # (with the due day it names), on time if submitted so.
        "dues": "SELECT agreement_id, last_day, due_on, on_time FROM reported UNION ALL "
                "SELECT p.agreement_id, p.last_day, p.last_day + p.reporting_due_days, false "
                "FROM reporting_periods p WHERE p.last_day + p.reporting_due_days < $5::date "
                "AND NOT EXISTS (SELECT FROM reported r WHERE r.agreement_id = p.agreement_id "
                "AND r.last_day = p.last_day)",
    }


AGREEMENT_CTES = agreement_expressions()
AGREEMENT_NEEDS: dict[str, tuple[str, ...]] = {
    "agreements": (), "agreement_changes": (),
    "segments": ("agreements", "agreement_changes", "buckets"),
    "running": ("segments",), "service_spans": (), "figures": ("submissions",),
    "amended_goals": ("figures",), "reporting_periods": ("agreements",),
    "dues": ("reported", "reporting_periods"),
}

_YEAR_DAYS = ("((date_trunc('year', first_day) + interval '1 year')::date "
              "- date_trunc('year', first_day)::date)")
# The cents of each client's deliveries under an agreement in a period, in proportion of
# the delivery period's days in it (CaseRecord.cost).
_COSTS = ("SELECT p.agreement_id, b.label, k.client, sum(p.cents * greatest(0, "
          "least(b.last_day, p.last_day) - greatest(b.first_day, p.first_day) + 1) "
          "/ (p.last_day - p.first_day + 1)) AS cents FROM priced p "
          "JOIN known_cases k USING (case_id) JOIN buckets b ON p.first_day <= b.last_day "
          "AND p.last_day >= b.first_day "  # and, so that only those deliveries are priced:
          "WHERE p.first_day <= (SELECT max(last_day) FROM buckets) "
          "AND p.last_day >= (SELECT min(first_day) FROM buckets) GROUP BY 1, 2, 3")
# The days of a period each client's services under an agreement ran, up to (not
# including) their end (CaseRecord.service_days).
_SERVICE_DAYS = ("SELECT s.agreement_id, b.label, k.client, sum(greatest(0, "
                 "least(b.last_day, s.ended_on - 1) - greatest(b.first_day, s.start_date) + 1)"
                 ") AS days FROM service_spans s JOIN known_cases k USING (case_id) "
                 "CROSS JOIN buckets b GROUP BY 1, 2, 3")


def _per_agreement(allowed: str, used: str) -> str:
    """Units per agreement and period with `allowed` (running segments: agreement_id,
    label, amount) or `used` (agreement_id, label, client, amount) not zero; the persons
    those with some of `used`."""
    return (
        "SELECT a.agreement_id, b.label, coalesce(u.amount, 0), coalesce(r.amount, 0), "
        "0, 0, coalesce(u.persons, '{}'), 0 FROM agreements a CROSS JOIN buckets b "
        f"LEFT JOIN ({allowed}) r ON r.agreement_id = a.agreement_id AND r.label = b.label "
        "LEFT JOIN (SELECT agreement_id, label, sum(amount) AS amount, array_agg(client) "
        f"FILTER (WHERE amount <> 0) AS persons FROM ({used}) c GROUP BY 1, 2) u "
        "ON u.agreement_id = a.agreement_id AND u.label = b.label "
        "WHERE coalesce(r.amount, 0) <> 0 OR coalesce(u.amount, 0) <> 0")


@dataclass(frozen=True)
class PerAgreement:
    """An indicator whose units are one per agreement and period: what the agreement's
    running segments allow (agreement_id, label, amount) beside what each person used
    under it (agreement_id, label, client, amount), and the expressions each reads."""

    allowed: str
    used: str
    allowed_reads: tuple[str, ...]
    used_reads: tuple[str, ...]

    def units(self) -> str:
        return _per_agreement(self.allowed, self.used)


PER_AGREEMENT = {
    IndicatorId.BUDGET_UTILISATION: PerAgreement(
        "SELECT agreement_id, label, sum(annual_budget_cents * days::numeric / "
        f"{_YEAR_DAYS}) / 100 AS amount FROM running GROUP BY 1, 2",
        f"SELECT agreement_id, label, client, cents / 100 AS amount FROM ({_COSTS}) c",
        ("running",), ("buckets", "priced")),
    IndicatorId.CAPACITY_UTILISATION: PerAgreement(
        "SELECT agreement_id, label, sum(capacity * days) AS amount FROM running GROUP BY 1, 2",
        f"SELECT agreement_id, label, client, days AS amount FROM ({_SERVICE_DAYS}) d",
        ("running",), ("buckets", "service_spans")),
}
# Per report ending in a period with figures: reported achieved / measured beside the
# logged successes / closures (latest status) in its reporting period of the cases served
# under its agreement.
_GAP = (
    "SELECT r.agreement_id, b.label, o.achieved, o.measured, "
    "count(*) FILTER (WHERE c.reason = ANY($9::text[])), count(*), array_agg(k.client), 0 "
    "FROM figures r JOIN agreements USING (agreement_id) "
    "JOIN buckets b ON r.last_day BETWEEN b.first_day AND b.last_day "
    "JOIN (SELECT report_id, revision, sum(achieved) AS achieved, sum(measured) AS measured "
    f"FROM report_outcomes o WHERE {known('o')} GROUP BY 1, 2) o "
    "ON o.report_id = r.report_id AND o.revision = r.revision "
    "JOIN (SELECT DISTINCT case_id, agreement_id FROM service_spans) s "
    "ON s.agreement_id = r.agreement_id "
    "JOIN closures c ON c.case_id = s.case_id AND c.day BETWEEN r.first_day AND r.last_day "
    "JOIN known_cases k ON k.case_id = s.case_id WHERE o.measured <> 0 "
    "GROUP BY r.report_id, r.agreement_id, b.label, o.achieved, o.measured")

# Per report ending in a period with figures and per impact goal in force on the report
# period's last day (amended, the latest amendment by version, or as drafted and edited)
# whose outcome was measured: whether achieved / measured meets the target, compared
# exactly (achieved against target * measured). Its persons: the report's participants.
_MEETS = ("CASE g ->> 'comparison' WHEN '>=' THEN o.achieved >= t.target * o.measured "
          "WHEN '<=' THEN o.achieved <= t.target * o.measured "
          "ELSE o.achieved = t.target * o.measured END")
_GOALS = (
    f"SELECT r.agreement_id, b.label, CASE WHEN {_MEETS} THEN 1.0 ELSE 0.0 END, 1.0, 0, 0, "
    "'{}'::text[], r.participants FROM figures r JOIN agreements a USING (agreement_id) "
    "JOIN buckets b ON r.last_day BETWEEN b.first_day AND b.last_day "
    "LEFT JOIN amended_goals m USING (report_id) CROSS JOIN LATERAL "
    "jsonb_array_elements(coalesce(m.impact_goals, a.impact_goals, '[]')) g "
    "CROSS JOIN LATERAL (SELECT (g ->> 'target_value')::numeric AS target) t "
    "JOIN report_outcomes o ON o.report_id = r.report_id AND o.revision = r.revision "
    f"AND o.indicator_id = g ->> 'indicator_id' AND {known('o')} WHERE o.measured <> 0")
# Per report due in a period: 1 if it was submitted on time.
_TIMELINESS = (
    "SELECT d.agreement_id, b.label, CASE WHEN d.on_time THEN 1.0 ELSE 0.0 END, 1.0, 0, 0, "
    "'{}'::text[], 0 FROM dues d JOIN agreements USING (agreement_id) "
    "JOIN buckets b ON d.due_on BETWEEN b.first_day AND b.last_day")

# Per indicator: the units' SELECT and the expressions it reads.
UNITS: dict[str, tuple[str, tuple[str, ...]]] = {
    IndicatorId.IMPACT_GOAL_ACHIEVEMENT: (_GOALS, ("buckets", "figures", "amended_goals")),
    IndicatorId.REPORT_TIMELINESS: (_TIMELINESS, ("buckets", "dues")),
    **{indicator: (kind.units(), (*kind.allowed_reads, *kind.used_reads))
       for indicator, kind in PER_AGREEMENT.items()},
    IndicatorId.REPORTED_VS_LOGGED_SUCCESS: (
        _GAP, ("buckets", "figures", "service_spans", "closures")),
}


def agreement_cells(units: str, agreements: str, by: Sequence[str],
                    provider: str | None, *, keyed: bool = False) -> str:
    """The cells of the agreement units in the relation `units` (agreement_id, label, the
    four sums, persons, headcount) along `by`, with each agreement's dimensions from the
    relation `agreements` (the only provider the parameter `provider`, if given): the
    units' sums once, each of their persons once more, and per agreement and period the
    most persons one of its units says it served (a headcount of a report: the same
    agreement's reports count the same people again). Follows a `WITH` list. `keyed`: the
    units name their persons by record key (`person_keys`), not by pseudonym, and count
    those in no other unit of their period apart (`alone`, `alone_keys`)."""
    keys = dimension_keys(by)
    person_key = "p.person" if keyed else RECORD_KEY_SQL.format(client="p.person")
    joined = (f" JOIN {agreements} a USING (agreement_id)" + unnested(by, DIMENSIONS)
              + (f" WHERE a.provider_id::text = {provider}" if provider else ""))
    # Sums and persons apart: the persons of a cell are grouped by hash, where counting and
    # summing them distinct beside the sums sorted every person's row twice.
    return (
        "cell_sums AS (SELECT "
        f"{keys}sum(u.numerator) AS numerator, sum(u.denominator) AS denominator, "
        "sum(u.reference_numerator) AS reference_numerator, "
        "sum(u.reference_denominator) AS reference_denominator, sum(u.headcount) AS headcount, "
        "sum(u.alone) AS alone, sum(u.alone_keys) AS alone_keys "
        "FROM (SELECT agreement_id, label, numerator, denominator, reference_numerator, "
        "reference_denominator, 0 AS headcount, "
        f"{'alone, alone_keys' if keyed else '0 AS alone, 0::numeric AS alone_keys'} "
        f"FROM {units} UNION ALL SELECT agreement_id, label, 0, 0, 0, 0, max(headcount), 0, 0 "
        f"FROM {units} GROUP BY agreement_id, label) u{joined}{grouped(by)}),\n"
        f"cell_persons AS (SELECT {keys}count(*) AS persons, sum({person_key}) AS person_keys "
        f"FROM (SELECT DISTINCT {keys}person FROM {units} u "
        f"CROSS JOIN LATERAL unnest(u.{'person_keys' if keyed else 'persons'}) AS person"
        f"{joined}) p"
        + (f" GROUP BY {keys.rstrip(', ')}" if by else "") + ")\n"
        "SELECT " + "".join(f"s.d{index}, " for index in range(len(by)))
        + "s.numerator::float8 AS numerator, s.denominator::float8 AS denominator, "
        "s.reference_numerator::float8 AS reference_numerator, "
        "s.reference_denominator::float8 AS reference_denominator, "
        "NULL::float8 AS median, 0 AS values, "
        "(coalesce(p.persons, 0) + s.headcount + s.alone)::int AS persons, "
        "CASE WHEN p.person_keys IS NULL AND s.alone = 0 THEN NULL "
        "ELSE coalesce(p.person_keys, 0) + s.alone_keys END AS person_keys "
        "FROM cell_sums s LEFT JOIN cell_persons p ON "
        + (" AND ".join(f"p.d{index} IS NOT DISTINCT FROM s.d{index}"
                        for index in range(len(by))) or "true")
    )
