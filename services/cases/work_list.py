"""The work list (Fristen) as SQL over the read model and the agreements replica.

Each kind of due work is written once, as a source joined to an open case `s`,
the day it is due and the condition that puts it on the list; the work list,
the counts and the `due` filter of the case list are all built from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from services.cases.application.workspace_dtos import CaseCounts, Deadlines, WorkItem, WorkKind


@dataclass(frozen=True)
class _Source:
    joined: str  # tables joined to the case, or "" for the case itself
    link: str  # how they join it
    due_on: str
    due: str  # on the list as of %(today)s
    ids: str  # goal, service and agreement


_SOURCES = {
    WorkKind.REVIEW: _Source(
        "case_goals g", "g.case_id = s.case_id",
        # Counted from the last review, or from when the goal was set if never reviewed.
        "COALESCE(g.last_reviewed_on, g.set_on) + %(review_days)s::integer",
        "{due_on} <= %(today)s::date", "g.goal_id, NULL::uuid, NULL::uuid"),
    WorkKind.ASSESSMENT: _Source(
        "", "TRUE", "s.opened_on + %(assessment_days)s::integer",
        "s.assessed_on IS NULL AND {due_on} <= %(today)s::date",
        "NULL::uuid, NULL::uuid, NULL::uuid"),
    WorkKind.SERVICE_ENDING: _Source(
        "case_services c LEFT JOIN replica_agreements a USING (agreement_id)",
        "c.case_id = s.case_id",
        # The last day it runs: its planned end, or its agreement's end, whichever is first.
        "LEAST(c.end_date, a.term_end, a.termination_date - 1)",
        "c.ended_on IS NULL AND {due_on} <= %(today)s::date + %(ending_days)s::integer",
        "NULL::uuid, c.service_id, c.agreement_id"),
}
_OPEN_OF_TEAM = "s.team = %(team)s AND s.status = 'open'"


def _due(kind: WorkKind) -> str:
    source = _SOURCES[kind]
    return source.due.format(due_on=source.due_on)


def due_filter(kind: WorkKind) -> str:
    """A condition on the case `s`: open, and on the work list for `kind`."""
    source = _SOURCES[kind]
    if not source.joined:
        return f"(s.status = 'open' AND {_due(kind)})"
    return (f"(s.status = 'open' AND EXISTS (SELECT 1 FROM {source.joined} "  # noqa: S608
            f"WHERE {source.link} AND {_due(kind)}))")  # - fixed fragments only


def due_parameters(today: date | None, deadlines: Deadlines) -> dict[str, Any]:
    return {"today": today, "review_days": deadlines.review_interval_days,
            "assessment_days": deadlines.assessment_within_days,
            "ending_days": deadlines.ending_within_days}


def _rows(kind: WorkKind) -> str:
    source = _SOURCES[kind]
    joined = f", {source.joined}" if source.joined else ""
    return (f"SELECT '{kind.value}' AS kind, s.case_id, s.client_pseudonym, s.district, "  # noqa: S608
            f"s.field_of_action, {source.due_on} AS due_on, {source.ids} "
            f"FROM case_summaries s{joined} "
            f"WHERE {_OPEN_OF_TEAM} AND {source.link} AND {_due(kind)}")


_WORK_LIST = (" UNION ALL ".join(f"({_rows(kind)})" for kind in WorkKind)
              + " ORDER BY due_on, kind, case_id")
_COUNTS = f"""SELECT count(*) AS open,
                     count(*) FILTER (WHERE s.assessed_on IS NULL) AS without_assessment,
                     count(*) FILTER (WHERE {due_filter(WorkKind.ASSESSMENT)})
                         AS assessments_due,
                     count(*) FILTER (WHERE {due_filter(WorkKind.REVIEW)}) AS reviews_due,
                     count(*) FILTER (WHERE {due_filter(WorkKind.SERVICE_ENDING)})
                         AS services_ending
              FROM case_summaries s WHERE {_OPEN_OF_TEAM}"""  # noqa: S608 - fixed


class WorkListQueries:
    """The work list and the counts of a team, each in one query."""

    pool: ConnectionPool

    def work_list(self, team: str, today: date, deadlines: Deadlines) -> list[WorkItem]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                _WORK_LIST, {"team": team, **due_parameters(today, deadlines)}).fetchall()
        return [WorkItem(kind=WorkKind(kind), case_id=case_id, client_pseudonym=pseudonym,
                         district=district, field_of_action=field, due_on=due_on,
                         days_overdue=(today - due_on).days, goal_id=goal_id,
                         service_id=service_id, agreement_id=agreement_id)
                for (kind, case_id, pseudonym, district, field, due_on, goal_id, service_id,
                     agreement_id) in rows]

    def case_counts(self, team: str, today: date, deadlines: Deadlines) -> CaseCounts:
        with self.pool.connection() as connection, connection.cursor(
                row_factory=dict_row) as cursor:
            row = cursor.execute(
                _COUNTS, {"team": team, **due_parameters(today, deadlines)}).fetchone()
        assert row is not None  # an aggregate without GROUP BY has one row
        return CaseCounts(**row)
