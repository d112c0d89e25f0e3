"""Where every period's report stands, across agreements: one query over the read model.

The periods of each signed agreement are generated in SQL from its term and reporting
obligation (`periods_between` of the domain is the tests' oracle for them), then joined
with the reports submitted. Both the list of one agreement and the cross-agreement
overview (the provider's Berichte, the contract manager's review queue) read this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from services.agreements.domain.errors import InvalidPeriodError
from services.agreements.domain.values import Period, ReportingObligation, reporting_period
from shared.vocabulary import ReportingFrequency

STATES = ("overdue", "due", "rejected", "submitted", "accepted")  # by urgency

# Periods (start as timestamp) of every signed agreement in scope, up to its last day.
_ENTRIES = """
WITH scope AS (
    SELECT a.agreement_id, a.title, a.provider_id, p.name AS provider_name,
           a.field_of_action, a.reporting_due_days, a.term_start,
           CASE a.reporting_frequency WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3
                WHEN 'half_yearly' THEN 6 ELSE 12 END AS months,
           LEAST(a.term_end, a.termination_date - 1, %(today)s::date) AS last_day
    FROM agreement_summaries a JOIN provider_summaries p USING (provider_id)
    WHERE a.signed_on IS NOT NULL
      AND (%(provider)s::uuid IS NULL OR a.provider_id = %(provider)s::uuid)
      AND (%(agreement)s::uuid IS NULL OR a.agreement_id = %(agreement)s::uuid)
      AND (%(field)s::text IS NULL OR a.field_of_action = %(field)s)
), periods AS (
    SELECT s.*, starts::date AS period_start,
           (starts + make_interval(months => s.months) - interval '1 day')::date AS period_end
    FROM scope s, generate_series(
        make_date(extract(year FROM s.term_start)::int,
                  (extract(month FROM s.term_start)::int - 1) / s.months * s.months + 1,
                  1)::timestamp,
        s.last_day::timestamp, make_interval(months => s.months)) AS starts
), entries AS (
    SELECT x.agreement_id, x.title, x.provider_id, x.provider_name, x.field_of_action,
           x.months, x.period_start, x.period_end,
           COALESCE(r.due_on, x.period_end + x.reporting_due_days) AS due_on,
           CASE WHEN r.report_id IS NULL THEN
                    CASE WHEN x.period_end + x.reporting_due_days >= %(today)s::date
                         THEN 'due' ELSE 'overdue' END
                WHEN r.status = 'resubmitted' THEN 'submitted' ELSE r.status END AS status,
           CASE WHEN r.report_id IS NULL
                THEN GREATEST(%(today)s::date - (x.period_end + x.reporting_due_days), 0)
                ELSE GREATEST(r.submitted_on - r.due_on, 0) END AS days_late,
           r.late, r.revision, r.report_id, r.version, r.submitted_on,
           COALESCE(r.rejection_reason, '') AS rejection_reason
    FROM periods x LEFT JOIN report_summaries r
        -- the same days are the same period (and dates compare faster than labels)
        ON r.agreement_id = x.agreement_id AND r.period_start = x.period_start
       AND r.period_end = x.period_end
    WHERE x.period_end < %(today)s::date
      AND (%(from)s::date IS NULL OR x.period_start >= %(from)s::date)
      AND (%(until)s::date IS NULL OR x.period_end <= %(until)s::date)
)"""

# The label of a period ("2026-03", "2026-Q1", "2026-H1", "2026"), made for the rows shown.
_LABELLED = """SELECT CASE months
    WHEN 1 THEN to_char(period_start, 'YYYY-MM')
    WHEN 3 THEN to_char(period_start, 'YYYY')
                || '-Q' || (extract(month FROM period_start)::int + 2) / 3
    WHEN 6 THEN to_char(period_start, 'YYYY')
                || '-H' || (extract(month FROM period_start)::int + 5) / 6
    ELSE to_char(period_start, 'YYYY') END AS period, *"""

# The counts per state (whatever the states asked for) and one page of the entries asked
# for, most urgent first, in one statement: the row without an entry still has the counts.
OVERVIEW = _ENTRIES + """,
counted AS (SELECT COALESCE(json_object_agg(status, n), '{}') AS counts
            FROM (SELECT status, count(*) AS n FROM entries GROUP BY status) c)
SELECT counted.counts, page.* FROM counted LEFT JOIN LATERAL (
    """ + _LABELLED + """ FROM entries WHERE status = ANY(%(states)s)
    ORDER BY CASE status WHEN 'overdue' THEN 0 WHEN 'due' THEN 1 WHEN 'rejected' THEN 2
                         WHEN 'submitted' THEN 3 ELSE 4 END,
             due_on, title, agreement_id, period_start
    LIMIT %(limit)s OFFSET %(offset)s) page ON true"""  # noqa: S608 - fixed text

OF_AGREEMENT = _ENTRIES + _LABELLED + " FROM entries ORDER BY period_start"


@dataclass(frozen=True)
class ReportFilter:
    """Which entries: of whom (provider, agreement), which field of action, which days."""

    provider_id: UUID | None = None
    agreement_id: UUID | None = None
    field_of_action: str | None = None
    period: Period | None = None

    def params(self, today: date) -> dict[str, Any]:
        return {"today": today, "provider": self.provider_id, "agreement": self.agreement_id,
                "field": self.field_of_action,
                "from": self.period.start if self.period else None,
                "until": self.period.end if self.period else None}


def period_named(label: str) -> Period:
    """The days a label names in any frequency ("2026", "2026-H1", "2026-Q1", "2026-03")."""
    for frequency in (ReportingFrequency.MONTHLY, ReportingFrequency.QUARTERLY,
                      ReportingFrequency.HALF_YEARLY, ReportingFrequency.YEARLY):
        try:
            return reporting_period(label, ReportingObligation(0, frequency))
        except InvalidPeriodError:
            continue
    raise InvalidPeriodError(f"{label!r} names no reporting period.")
