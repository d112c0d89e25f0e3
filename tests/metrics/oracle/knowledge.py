"""The cases as known at a time, folded into records in Python: the oracle's facts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.metrics.indicators.knowledge import Knowledge
from tests.metrics.oracle.cases import CaseRecord, Delivery, Service, StatusChange


class CaseKnowledge(Knowledge):
    """What the facts said at `as_of`, the cases too."""

    async def cases(self) -> dict[UUID, CaseRecord]:
        return await self._load_cases()

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
