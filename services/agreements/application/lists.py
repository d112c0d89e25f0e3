"""Lists and search, from the read model; a provider only ever sees its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from services.agreements.application.base import AgreementsBase
from services.agreements.application.dtos import Page, ReportListEntry, ReportOverview
from services.agreements.application.report_entries import (
    OF_AGREEMENT,
    OVERVIEW,
    STATES,
    ReportFilter,
    period_named,
)
from shared.principals import Caller, Role

AGREEMENT_STATUS_SQL = """CASE
    WHEN signed_on IS NULL OR %(today)s < signed_on THEN 'draft'
    WHEN termination_date IS NOT NULL AND %(today)s >= termination_date THEN 'terminated'
    WHEN %(today)s > term_end THEN 'expired'
    WHEN %(today)s < term_start THEN 'signed'
    WHEN suspended THEN 'suspended'
    ELSE 'active' END"""


class Lists(AgreementsBase):
    """Pages of providers and agreements, and where the reports stand."""

    def list_providers(self, *, caller: Caller, field_of_action: str | None = None,
                       active: bool | None = None, limit: int = 50,
                       offset: int = 0) -> Page[dict[str, Any]]:
        params: dict[str, Any] = {"field": field_of_action, "active": active,
                                  "own": caller.provider_id if caller.role is Role.PROVIDER
                                  else None, "limit": limit, "offset": offset}
        where = """WHERE (%(field)s::text IS NULL OR %(field)s = ANY(fields_of_action))
                     AND (%(active)s::boolean IS NULL OR active = %(active)s)
                     AND (%(own)s::uuid IS NULL OR provider_id = %(own)s::uuid)"""
        return self._page("provider_summaries", where, "name, provider_id", params)

    def list_agreements(self, *, caller: Caller, today: date,
                        provider_id: UUID | None = None, field_of_action: str | None = None,
                        status: str | None = None, district: str | None = None,
                        product_code: str | None = None, limit: int = 50,
                        offset: int = 0) -> Page[dict[str, Any]]:
        if caller.role is Role.PROVIDER:
            provider_id = UUID(caller.provider_id) if caller.provider_id else None
        params: dict[str, Any] = {
            "today": today, "provider": provider_id, "field": field_of_action,
            "status": status, "district": district, "product": product_code,
            "limit": limit, "offset": offset}
        where = f"""WHERE (%(provider)s::uuid IS NULL OR provider_id = %(provider)s::uuid)
                      AND (%(field)s::text IS NULL OR field_of_action = %(field)s)
                      AND (%(district)s::text IS NULL OR %(district)s = ANY(districts))
                      AND (%(product)s::text IS NULL OR budget_product_code = %(product)s)
                      AND (%(status)s::text IS NULL OR ({AGREEMENT_STATUS_SQL}) = %(status)s)"""
        return self._page("agreement_summaries", where, "title, agreement_id", params,
                          extra=f", {AGREEMENT_STATUS_SQL} AS status")

    def list_reports(self, agreement_id: UUID, *, caller: Caller, today: date,
                     status: str | None = None) -> list[ReportListEntry]:
        """Every period of the agreement up to today, and where its report stands."""
        self.agreement_in_scope(agreement_id, caller)
        rows = self.fresh_view().query(
            OF_AGREEMENT, ReportFilter(agreement_id=agreement_id).params(today))
        entries = [ReportListEntry(row["period"], row["due_on"], row["status"], row["late"],
                                   row["revision"], row["report_id"], row["days_late"])
                   for row in rows]
        return [entry for entry in entries if status is None or entry.status == status]

    def report_overview(self, *, caller: Caller, today: date,
                        states: Sequence[str] = STATES, provider_id: UUID | None = None,
                        field_of_action: str | None = None, period: str | None = None,
                        limit: int = 50, offset: int = 0) -> ReportOverview:
        """Where the reports of every agreement in scope stand, the most urgent first."""
        if caller.role is Role.PROVIDER:
            provider_id = UUID(caller.provider_id) if caller.provider_id else None
            if provider_id is None:
                return ReportOverview(items=[], total=0, limit=limit, offset=offset, counts={})
        days = period_named(period) if period else None
        scope = ReportFilter(provider_id=provider_id, field_of_action=field_of_action,
                             period=days)
        rows = self.fresh_view().query(OVERVIEW, {**scope.params(today), "states": list(states),
                                                  "limit": limit, "offset": offset})
        counts = {str(state): int(n) for state, n in rows[0]["counts"].items()}
        items = [{key: value for key, value in row.items() if key != "counts"}
                 for row in rows if row["period"] is not None]
        return ReportOverview(items=items, total=sum(counts.get(s, 0) for s in states),
                              limit=limit, offset=offset, counts=counts)

    def _page(self, table: str, where: str, order: str, params: dict[str, Any],
              extra: str = "") -> Page[dict[str, Any]]:
        # `table`, `where`, `order` and `extra` are fixed text of this module.
        rows = self.fresh_view().query(
            f"SELECT *{extra}, count(*) OVER () AS total FROM {table} {where} "  # noqa: S608
            f"ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s", params)
        total = rows[0]["total"] if rows else self._count(table, where, params)
        items = [{key: value for key, value in row.items() if key != "total"} for row in rows]
        return Page(items=items, total=total, limit=params["limit"], offset=params["offset"])

    def _count(self, table: str, where: str, params: dict[str, Any]) -> int:
        rows = self.view.query(f"SELECT count(*) AS n FROM {table} {where}", params)  # noqa: S608
        return int(rows[0]["n"])
