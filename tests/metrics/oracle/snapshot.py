"""Everything an indicator counts, as known at one time, and the dimensions of its units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.metrics.indicators.agreements import AgreementRecord, ReportRecord
from services.metrics.periods import Period
from tests.metrics.oracle.cases import CaseRecord

Dimensions = dict[str, tuple[str, ...]]


@dataclass
class Snapshot:
    """Cases, agreements and reports as known at `as_of` (a day: `today`)."""

    cases: dict[UUID, CaseRecord]
    agreements: dict[UUID, AgreementRecord]
    reports: list[ReportRecord]
    today: date

    def price_of(self, agreement_id: UUID, day: date) -> int | None:
        """The unit price in cents of an agreement on a day (None: unknown agreement)."""
        agreement = self.agreements.get(agreement_id)
        return None if agreement is None else agreement.term("unit_price_cents", day)

    def case_dims(self, case: CaseRecord, period: Period) -> Dimensions:
        """A case counts under each of its target groups and each agreement of its services."""
        known = [self.agreements[a] for a in case.agreements if a in self.agreements]
        return {
            "period": (period.label,), "field_of_action": (case.field_of_action,),
            "target_group": case.target_groups, "district": (case.district,),
            "age_band": (case.age_band,), "agreement": tuple(str(a) for a in case.agreements),
            "provider": tuple(sorted({str(a.provider_id) for a in known})),
            "budget_product": tuple(sorted({a.terms["budget_product_code"] for a in known})),
        }

    def agreement_dims(self, agreement: AgreementRecord, period: Period) -> Dimensions:
        return {
            "period": (period.label,), "agreement": (str(agreement.id),),
            "provider": (str(agreement.provider_id),),
            "field_of_action": (agreement.terms["field_of_action"],),
            "budget_product": (agreement.terms["budget_product_code"],),
            "district": tuple(agreement.terms.get("districts") or ()),
            "target_group": tuple(agreement.terms.get("target_groups") or ()),
        }
