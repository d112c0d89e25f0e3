"""Agreements, reports and the reference population as known at a time (`recorded_at <= as_of`),
loaded into records once per request, for the impact goals and the society indicators.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from services.metrics.indicators.agreements import AgreementRecord, Figures, ReportRecord
from shared.projection import Connection


class Knowledge:
    """What the facts said at `as_of` (None: everything recorded so far)."""

    def __init__(self, connection: Connection, as_of: datetime | None) -> None:
        self.connection = connection
        self.as_of = as_of
        self._agreements: dict[UUID, AgreementRecord] | None = None
        self._reports: list[ReportRecord] | None = None
        self._population: dict[tuple[str, str], dict[int, int]] | None = None

    async def _fetch(self, sql: str) -> list[Any]:
        """Rows of `sql`, whose $KNOWN stands for: recorded up to the as_of time."""
        return await known_rows(self.connection, sql, self.as_of)

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

async def known_rows(connection: Connection, sql: str, as_of: datetime | None) -> list[Any]:
    """Rows of `sql`, whose $KNOWN stands for: recorded up to `as_of` (None: everything)."""
    known = sql.replace("$KNOWN", "($1::timestamptz IS NULL OR recorded_at <= $1)")
    rows: list[Any] = await connection.fetch(known, as_of)
    return rows
