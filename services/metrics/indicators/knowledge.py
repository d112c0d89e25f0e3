"""The facts as known at a time (`recorded_at <= as_of`), loaded into records once per request.

Every query selects `recorded_at`, so rows fetched once up to a later time can
be filtered in memory for an earlier one (see `restatements`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.metrics.indicators.agreements import AgreementRecord, Figures, ReportRecord
from services.metrics.indicators.cases import CaseRecord, Delivery, Service, StatusChange
from shared.projection import Connection


class Knowledge:
    """What the facts said at `as_of` (None: everything recorded so far)."""

    def __init__(self, connection: Connection, as_of: datetime | None) -> None:
        self.connection = connection
        self.as_of = as_of
        self._cases: dict[UUID, CaseRecord] | None = None
        self._agreements: dict[UUID, AgreementRecord] | None = None
        self._reports: list[ReportRecord] | None = None
        self._population: dict[tuple[str, str], dict[int, int]] | None = None

    async def _fetch(self, sql: str) -> list[Any]:
        """Rows of `sql`, whose $KNOWN stands for: recorded up to the as_of time."""
        return await known_rows(self.connection, sql, self.as_of)

    async def cases(self) -> dict[UUID, CaseRecord]:
        if self._cases is None:
            self._cases = await self._load_cases()
        return self._cases

    async def _load_cases(self) -> dict[UUID, CaseRecord]:
        cases = {
            row["case_id"]: CaseRecord(
                id=row["case_id"], client=row["client_pseudonym"],
                field_of_action=row["field_of_action"], target_groups=tuple(row["target_groups"]),
                district=row["district"], age_band=row["age_band"], opened_on=row["occurred_on"])
            for row in await self._fetch("SELECT * FROM case_opened WHERE $KNOWN")
        }
        for row in await self._fetch(
                "SELECT case_id, version, status, reason, occurred_on, recorded_at "
                "FROM case_status WHERE status <> 'assessed' AND $KNOWN ORDER BY version"):
            if row["case_id"] in cases:
                cases[row["case_id"]].changes.append(StatusChange(
                    row["version"], row["status"], row["reason"], row["occurred_on"]))
        for row in await self._fetch(
                "SELECT case_id, goal_id, weight, recorded_at FROM case_goals WHERE $KNOWN"):
            if row["case_id"] in cases:
                cases[row["case_id"]].weights[row["goal_id"]] = row["weight"]
        # A withdrawn goal was set wrongly: without its weight, none of its reviews counts.
        for row in await self._fetch(
                "SELECT case_id, goal_id, recorded_at FROM goal_withdrawals WHERE $KNOWN"):
            if row["case_id"] in cases:
                cases[row["case_id"]].weights.pop(row["goal_id"], None)
        for row in await self._fetch(
                "SELECT case_id, goal_id, level, occurred_on, version, recorded_at "
                "FROM goal_reviews WHERE $KNOWN ORDER BY occurred_on, version"):
            if row["case_id"] in cases:
                cases[row["case_id"]].reviews.append(
                    (row["occurred_on"], row["version"], row["goal_id"], row["level"]))
        await self._load_services(cases)
        return cases

    async def _load_services(self, cases: dict[UUID, CaseRecord]) -> None:
        for row in await self._fetch(
                "SELECT case_id, service_id, change, agreement_id, start_date, occurred_on, "
                "recorded_at FROM case_services WHERE $KNOWN ORDER BY version"):
            case = cases.get(row["case_id"])
            if case is None:
                continue
            if row["change"] == "assigned":
                case.services[row["service_id"]] = Service(row["agreement_id"], row["start_date"])
            elif (service := case.services.get(row["service_id"])) and service.ended_on is None:
                service.ended_on = row["occurred_on"]
        units: dict[tuple[UUID, UUID, date, date], Decimal] = defaultdict(Decimal)
        for row in await self._fetch(  # less the units of deliveries reversed
                "SELECT case_id, service_id, period_start, period_end, units, recorded_at "
                "FROM deliveries WHERE $KNOWN UNION ALL SELECT case_id, service_id, "
                "period_start, period_end, -units, recorded_at FROM delivery_reversals "
                "WHERE $KNOWN ORDER BY 1, 2, 3, 4"):
            if row["case_id"] in cases:
                units[(row["case_id"], row["service_id"], row["period_start"],
                       row["period_end"])] += row["units"]
        for (case_id, service_id, start, end), total in units.items():
            cases[case_id].deliveries.append(Delivery(service_id, start, end, total))

    async def agreements(self) -> dict[UUID, AgreementRecord]:
        if self._agreements is None:
            agreements: dict[UUID, AgreementRecord] = {}
            for row in await self._fetch("SELECT * FROM agreement_facts WHERE $KNOWN "
                                         "ORDER BY agreement_id, version"):
                values = dict(row)
                if values["impact_goals"] is not None:
                    values["impact_goals"] = json.loads(values["impact_goals"])
                agreement = agreements.setdefault(row["agreement_id"],
                                                  AgreementRecord(row["agreement_id"]))
                agreement.apply(values)
            # An agreement known only by later changes (its draft not yet known) is left out.
            self._agreements = {key: a for key, a in agreements.items() if a.terms}
        return self._agreements

    async def reports(self) -> list[ReportRecord]:
        if self._reports is None:
            self._reports = await self._load_reports()
        return self._reports

    async def _load_reports(self) -> list[ReportRecord]:
        outcomes: dict[tuple[UUID, int], dict[str, tuple[int, int]]] = defaultdict(dict)
        for row in await self._fetch("SELECT * FROM report_outcomes WHERE $KNOWN"):
            outcomes[(row["report_id"], row["revision"])][row["indicator_id"]] = (
                row["achieved"], row["measured"])
        reports: dict[UUID, ReportRecord] = {}
        for row in await self._fetch("SELECT * FROM report_facts WHERE $KNOWN "
                                     "ORDER BY report_id, version"):
            if row["change"] == "submitted":
                reports[row["report_id"]] = ReportRecord(
                    row["report_id"], row["agreement_id"], row["provider_id"],
                    row["period_start"], row["period_end"], row["due_on"], row["late"])
            report = reports.get(row["report_id"])
            if report is None:
                continue
            if row["change"] in ("submitted", "resubmitted"):
                report.revisions[row["revision"]] = Figures(
                    row["participants"], row["expenditure_cents"],
                    outcomes.get((row["report_id"], row["revision"]), {}))
            else:
                report.verdicts[row["revision"]] = row["change"]
        return list(reports.values())

    async def population(self) -> dict[tuple[str, str], dict[int, int]]:
        """(district, age band) -> year -> inhabitants, the latest import of each as of then."""
        if self._population is None:
            rows = await self.connection.fetch(
                """SELECT DISTINCT ON (district, age_band, year) district, age_band, year,
                          population
                   FROM reference.population
                   WHERE ($1::timestamptz IS NULL OR imported_at <= $1)
                   ORDER BY district, age_band, year, imported_at DESC""", self.as_of)
            population: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
            for row in rows:
                population[(row["district"], row["age_band"])][row["year"]] = row["population"]
            self._population = dict(population)
        return self._population

    def price_of(self, agreements: dict[UUID, AgreementRecord]) -> Any:
        def price(agreement_id: UUID, day: date) -> int | None:
            agreement = agreements.get(agreement_id)
            if agreement is None:
                return None
            value: int | None = agreement.term("unit_price_cents", day)
            return value
        return price


async def known_rows(connection: Connection, sql: str, as_of: datetime | None) -> list[Any]:
    """Rows of `sql`, whose $KNOWN stands for: recorded up to `as_of` (None: everything)."""
    known = sql.replace("$KNOWN", "($1::timestamptz IS NULL OR recorded_at <= $1)")
    rows: list[Any] = await connection.fetch(known, as_of)
    return rows
