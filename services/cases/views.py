"""The cases read model: lists, a client's cases, running services per agreement, due work.

It follows the notification log (see `shared.views`) into tables of the cases
database; pseudonyms and coarse attributes only, as in the events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from psycopg import Cursor
from psycopg.rows import DictRow

from services.cases.domain import Case
from shared.views import View


class CasesView(View):
    """Cases as lists and counts need them.

    Its tables are made by the service's migrations (`services.cases.migrations`).
    """

    @contextlib.contextmanager
    def changing(self, tracking: Tracking) -> Iterator[Cursor[DictRow]]:
        in_batch = getattr(self._batch, "cursor", None) is not None
        with super().changing(tracking) as cursor:
            if not in_batch:
                _without_waiting_for_the_disk(cursor)
            yield cursor

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """A batch's events in one transaction; the cases' new versions written once, last."""
        with super().batch():
            cursor = self._batch.cursor
            _without_waiting_for_the_disk(cursor)
            self._batch.versions = {}
            try:
                yield
                versions: dict[Any, int] = self._batch.versions
                if versions:
                    cursor.execute(
                        """UPDATE case_summaries AS s SET version = GREATEST(s.version, v.version)
                           FROM unnest(%s::uuid[], %s::integer[]) AS v(case_id, version)
                           WHERE s.case_id = v.case_id""",
                        (list(versions), list(versions.values())))
            finally:
                self._batch.versions = None

    def set_version(self, cursor: Cursor[DictRow], case_id: Any, version: int) -> None:
        """A case's version: at the end of the batch, if in one (most events only move it)."""
        versions: dict[Any, int] | None = getattr(self._batch, "versions", None)
        if versions is not None:
            versions[case_id] = max(version, versions.get(case_id, 0))
            return
        cursor.execute("UPDATE case_summaries SET version = %s WHERE case_id = %s",
                       (version, case_id))


def _without_waiting_for_the_disk(cursor: Cursor[DictRow]) -> None:
    # Rows and position commit together; should a crash lose the last ones, they are
    # projected again from the store, so the view need not wait for the disk.
    cursor.execute("SET LOCAL synchronous_commit TO off")


class CasesProjection(Projection[CasesView]):
    """Keeps the summaries and services in step with the case events."""

    # A new name when the tables gain what earlier events must fill: the view then replays
    # the whole store into them (every handler leaves a row as the last event says).
    name = "cases_view_v3"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        with self.view.changing(tracking):
            pass  # a client event: only the position moves

    @process_event.register
    def _(self, event: Case.Event, tracking: Tracking) -> None:
        self._update(event, tracking, "")

    @process_event.register
    def _(self, event: Case.Opened, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO case_summaries VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s,
                   'open', %s, NULL, NULL, %s) ON CONFLICT DO NOTHING""",
                (event.originator_id, event.client_pseudonym, event.field_of_action,
                 list(event.target_groups), event.district, event.team, event.legal_basis,
                 event.age_band, event.reentry, event.occurred_on, event.originator_version))

    @process_event.register
    def _(self, event: Case.Assessed, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute("UPDATE case_summaries SET assessed_on = %s WHERE case_id = %s",
                           (event.occurred_on, event.originator_id))
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.GoalSet, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO case_goals (case_id, goal_id, set_on) VALUES (%s, %s, %s)
                   ON CONFLICT DO NOTHING""",
                (event.originator_id, event.goal_id, event.occurred_on))
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.GoalReviewed, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            # The latest day reviewed, even if a review is recorded after a later one.
            cursor.execute(
                """UPDATE case_goals SET last_reviewed_on = GREATEST(last_reviewed_on, %s)
                   WHERE case_id = %s AND goal_id = %s""",
                (event.occurred_on, event.originator_id, event.goal_id))
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.GoalWithdrawn, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            # A withdrawn goal is no longer reviewed: off the work list and the counts.
            cursor.execute("DELETE FROM case_goals WHERE case_id = %s AND goal_id = %s",
                           (event.originator_id, event.goal_id))
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.ServiceAssigned, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO case_services (case_id, service_id, agreement_id, start_date,
                                              end_date)
                   VALUES (%s, %s, %s, %s, %s)
                   ON CONFLICT (case_id, service_id) DO UPDATE SET end_date = EXCLUDED.end_date""",
                (event.originator_id, event.service_id, event.agreement_id, event.start_date,
                 event.end_date))
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.ServiceEnded, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            self._end_services(cursor, event, [event.service_id])
            self._set_version(cursor, event)

    @process_event.register
    def _(self, event: Case.Closed, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            self._end_services(cursor, event, event.ended_service_ids)
            cursor.execute(
                """UPDATE case_summaries SET status = 'closed', closed_on = %s,
                   closure_reason = %s, version = %s WHERE case_id = %s""",
                (event.occurred_on, event.reason, event.originator_version,
                 event.originator_id))

    @process_event.register
    def _(self, event: Case.Reopened, tracking: Tracking) -> None:
        self._update(event, tracking,
                     "status = 'open', closed_on = NULL, closure_reason = NULL, ")

    @process_event.register
    def _(self, event: Case.HandedOver, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute("UPDATE case_summaries SET team = %s, version = %s WHERE case_id = %s",
                           (event.to_team, event.originator_version, event.originator_id))

    def _update(self, event: Case.Event, tracking: Tracking, assignments: str) -> None:
        with self.view.changing(tracking) as cursor:
            if not assignments:
                self._set_version(cursor, event)
                return
            cursor.execute(
                # `assignments` is one of the fixed strings of this class.
                f"UPDATE case_summaries SET {assignments}version = %s "  # noqa: S608
                "WHERE case_id = %s", (event.originator_version, event.originator_id))

    @staticmethod
    def _end_services(cursor: Any, event: Any, service_ids: list[Any]) -> None:
        cursor.execute(
            """UPDATE case_services SET ended_on = %s
               WHERE case_id = %s AND service_id = ANY(%s) AND ended_on IS NULL""",
            (event.occurred_on, event.originator_id, list(service_ids)))

    def _set_version(self, cursor: Any, event: Any) -> None:
        self.view.set_version(cursor, event.originator_id, event.originator_version)
