"""Questions the cases read model answers (tables of `views.py`), with the service's connections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from services.cases.application.dtos import CasePage, CaseQuery, CaseSummary
from services.cases.application.workspace_dtos import CaseOrder
from services.cases.retention import RetentionPeriods
from services.cases.work_list import WorkListQueries, due_filter, due_parameters

_FILTER = """(%(team)s::text IS NULL OR team = %(team)s)
             AND (%(status)s::text IS NULL OR status = %(status)s)
             AND (%(field_of_action)s::text IS NULL OR field_of_action = %(field_of_action)s)
             AND (%(district)s::text IS NULL OR district = %(district)s)
             AND (%(reentry)s::boolean IS NULL OR reentry = %(reentry)s)
             AND (%(client_pseudonym)s::text IS NULL
                  OR client_pseudonym = %(client_pseudonym)s)"""
# The case id last, so that a page never repeats or skips a case among equals.
_ORDER = {CaseOrder.OPENED_ON: "opened_on, case_id",
          CaseOrder.NEWEST_FIRST: "opened_on DESC, case_id",
          CaseOrder.DISTRICT: "district, opened_on DESC, case_id",
          CaseOrder.FIELD_OF_ACTION: "field_of_action, opened_on DESC, case_id",
          CaseOrder.STATUS: "status DESC, opened_on DESC, case_id"}  # open before closed


class PostgresCaseIndex(WorkListQueries):
    """Reads `case_summaries`, `case_services` and `case_goals`."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def running_services(self, agreement_id: UUID) -> int:
        return self.running_services_of([agreement_id]).get(agreement_id, 0)

    def running_services_of(self, agreement_ids: Sequence[UUID]) -> dict[UUID, int]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT agreement_id, count(*) FROM case_services WHERE agreement_id = ANY(%s) "
                "AND ended_on IS NULL GROUP BY agreement_id", (list(agreement_ids),)).fetchall()
        return {agreement_id: int(running) for agreement_id, running in rows}

    def teams_with_cases(self, client_pseudonym: str) -> set[str]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT DISTINCT team FROM case_summaries WHERE client_pseudonym = %s",
                (client_pseudonym,)).fetchall()
        return {row[0] for row in rows}

    def last_closure(self, client_pseudonym: str, *, on_or_before: date) -> date | None:
        with self.pool.connection() as connection:
            row = connection.execute(
                "SELECT max(closed_on) FROM case_summaries WHERE client_pseudonym = %s "
                "AND closed_on <= %s", (client_pseudonym, on_or_before)).fetchone()
        return row[0] if row else None

    def case_ids_of(self, client_pseudonym: str) -> list[UUID]:
        """Every case of the person, oldest first."""
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT case_id FROM case_summaries WHERE client_pseudonym = %s "
                "ORDER BY opened_on, case_id", (client_pseudonym,)).fetchall()
        return [row[0] for row in rows]

    def retention_due(self, periods: RetentionPeriods,
                      today: date) -> list[tuple[str, str, date, int, date]]:
        """Per person whose cases are all closed and whose last period ran by `today`: the
        pseudonym, and the field of action, closure, years and end of that last period."""
        fields = list(periods.years)
        with self.pool.connection() as connection:
            rows = connection.execute(
                """WITH periods (field, years) AS (
                       SELECT * FROM unnest(%(fields)s::text[], %(years)s::int[])),
                   kept AS (
                       SELECT s.client_pseudonym, s.status, s.field_of_action, s.closed_on,
                              coalesce(p.years, %(otherwise)s) AS years,
                              (s.closed_on + make_interval(
                                  years => coalesce(p.years, %(otherwise)s)))::date AS due_on
                       FROM case_summaries s LEFT JOIN periods p
                         ON p.field = s.field_of_action),
                   due AS (
                       SELECT client_pseudonym FROM kept GROUP BY client_pseudonym
                       HAVING bool_and(status = 'closed') AND max(due_on) <= %(today)s)
                   SELECT DISTINCT ON (k.client_pseudonym) k.client_pseudonym,
                          k.field_of_action, k.closed_on, k.years, k.due_on
                   FROM kept k JOIN due USING (client_pseudonym)
                   ORDER BY k.client_pseudonym, k.due_on DESC, k.closed_on DESC""",
                {"fields": fields, "years": [periods.years[f] for f in fields],
                 "otherwise": periods.otherwise, "today": today}).fetchall()
        return [(row[0], row[1], row[2], int(row[3]), row[4]) for row in rows]

    def cases(self, query: CaseQuery) -> CasePage:
        parameters = {"team": query.team, "status": query.status,
                      "field_of_action": query.field_of_action, "district": query.district,
                      "reentry": query.reentry, "limit": query.limit, "offset": query.offset,
                      "client_pseudonym": query.client_pseudonym,
                      **due_parameters(query.today, query.deadlines)}
        where = _FILTER if query.due is None else f"{_FILTER} AND {due_filter(query.due)}"
        with self.pool.connection() as connection, connection.cursor(
                row_factory=dict_row) as cursor:
            cursor.execute(
                f"""SELECT case_id AS id, version, client_pseudonym, field_of_action, district,
                           team, age_band, reentry, status, opened_on, closed_on,
                           closure_reason
                    FROM case_summaries s WHERE {where}
                    ORDER BY {_ORDER[query.sort]}
                    LIMIT %(limit)s OFFSET %(offset)s""", parameters)  # noqa: S608 - fixed
            items = [CaseSummary(**row) for row in cursor.fetchall()]
            cursor.execute(f"SELECT count(*) AS total FROM case_summaries s WHERE {where}",  # noqa: S608
                           parameters)
            total = cursor.fetchone()
        return CasePage(items=items, total=int(total["total"]) if total else 0,
                        limit=query.limit, offset=query.offset)
