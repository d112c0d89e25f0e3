"""Read models of the agreements service: lists and search, in its own database.

They follow the notification log (see `shared.views`); each table holds what
lists and filters need, never more than the aggregates say.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from services.agreements.domain import Provider, ProviderReport, ServiceAgreement
from shared.views import View

# Terms (in their event form) -> columns of agreement_summaries.
_TERM_COLUMNS = {
    "title": "title", "budget_product_code": "budget_product_code",
    "field_of_action": "field_of_action", "target_groups": "target_groups",
    "districts": "districts", "term_start": "term_start", "term_end": "term_end",
    "annual_budget_cents": "annual_budget_cents", "pricing_unit": "pricing_unit",
    "unit_price_cents": "unit_price_cents", "capacity": "capacity",
}


class AgreementsView(View):
    """Providers, agreements and reports as lists need them.

    Its tables are made by its migrations (`services.agreements.migrations`).
    """


def _set(table: str, key: str, columns: dict[str, Any]) -> str:
    assignments = ", ".join(f"{name} = %({name})s" for name in columns)
    return f"UPDATE {table} SET {assignments} WHERE {key} = %(id)s"  # noqa: S608 - fixed names


class AgreementsProjection(Projection[AgreementsView]):
    """Keeps the summaries in step with the events."""

    name = "agreements_view"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        with self.view.changing(tracking):
            pass  # an event no list needs: only the position moves

    @process_event.register
    def _(self, event: Provider.Registered, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO provider_summaries VALUES (%s, %s, %s, %s, true, %s, %s)
                   ON CONFLICT DO NOTHING""",
                (event.originator_id, event.name, event.legal_form,
                 list(event.fields_of_action), event.occurred_on, event.originator_version))

    @process_event.register
    def _(self, event: Provider.Updated, tracking: Tracking) -> None:
        columns = {name: getattr(event, name) for name in ("name", "legal_form",
                                                           "fields_of_action")
                   if getattr(event, name) is not None}
        self._update("provider_summaries", "provider_id", event, tracking, columns)

    @process_event.register
    def _(self, event: Provider.Deactivated, tracking: Tracking) -> None:
        self._update("provider_summaries", "provider_id", event, tracking, {"active": False})

    @process_event.register
    def _(self, event: ServiceAgreement.Drafted, tracking: Tracking) -> None:
        terms = event.terms
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO agreement_summaries VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s,
                   %s, %s, %s, %s, %s, %s, NULL, false, NULL, %s) ON CONFLICT DO NOTHING""",
                (event.originator_id, event.provider_id, terms["title"],
                 terms["budget_product_code"], terms["field_of_action"],
                 terms["target_groups"], terms["districts"], terms["term_start"],
                 terms["term_end"], terms["annual_budget_cents"], terms["pricing_unit"],
                 terms["unit_price_cents"], terms["capacity"],
                 terms["reporting_obligation"]["frequency"],
                 terms["reporting_obligation"]["due_days"], event.originator_version))

    @process_event.register
    def _(self, event: ServiceAgreement.Edited, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     _term_columns(event.changes))

    @process_event.register
    def _(self, event: ServiceAgreement.Amended, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     _term_columns(event.changes))

    @process_event.register
    def _(self, event: ServiceAgreement.Signed, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     {"signed_on": event.occurred_on})

    @process_event.register
    def _(self, event: ServiceAgreement.Suspended, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     {"suspended": True})

    @process_event.register
    def _(self, event: ServiceAgreement.Resumed, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     {"suspended": False})

    @process_event.register
    def _(self, event: ServiceAgreement.Terminated, tracking: Tracking) -> None:
        self._update("agreement_summaries", "agreement_id", event, tracking,
                     {"termination_date": event.termination_date})

    @process_event.register
    def _(self, event: ProviderReport.Submitted, tracking: Tracking) -> None:
        with self.view.changing(tracking) as cursor:
            cursor.execute(
                """INSERT INTO report_summaries VALUES (%s, %s, %s, %s, %s, %s, %s,
                   'submitted', %s, 1, %s, %s, '') ON CONFLICT DO NOTHING""",
                (event.originator_id, event.agreement_id, event.provider_id, event.period,
                 event.period_start, event.period_end, event.due_on,
                 event.occurred_on > event.due_on, event.occurred_on,
                 event.originator_version))

    @process_event.register
    def _(self, event: ProviderReport.Resubmitted, tracking: Tracking) -> None:
        self._update("report_summaries", "report_id", event, tracking,
                     {"status": "resubmitted", "revision": event.revision,
                      "rejection_reason": ""})

    @process_event.register
    def _(self, event: ProviderReport.Accepted, tracking: Tracking) -> None:
        self._update("report_summaries", "report_id", event, tracking, {"status": "accepted"})

    @process_event.register
    def _(self, event: ProviderReport.Rejected, tracking: Tracking) -> None:
        self._update("report_summaries", "report_id", event, tracking,
                     {"status": "rejected", "rejection_reason": event.reason})

    def _update(self, table: str, key: str, event: Any, tracking: Tracking,
                columns: dict[str, Any]) -> None:
        columns = {**columns, "version": event.originator_version}
        with self.view.changing(tracking) as cursor:
            cursor.execute(_set(table, key, columns), {**columns, "id": event.originator_id})


def _term_columns(changes: dict[str, Any]) -> dict[str, Any]:
    columns = {_TERM_COLUMNS[name]: value for name, value in changes.items()
               if name in _TERM_COLUMNS}
    if "reporting_obligation" in changes:
        columns["reporting_frequency"] = changes["reporting_obligation"]["frequency"]
        columns["reporting_due_days"] = changes["reporting_obligation"]["due_days"]
    return columns
