"""The caseworker's workspace: due work (Fristen), counts, and agreements open to a case."""

from __future__ import annotations

from uuid import UUID

from services.cases.application.base import CasesBase
from services.cases.application.workspace_dtos import (
    AgreementOccupancy,
    AgreementOffer,
    AssignableAgreement,
    CaseCounts,
    WorkList,
)
from shared.errors import Refused
from shared.principals import Caller, Role


class WorkspaceReads(CasesBase):
    """Reads of a team's open cases as of the application's today; each in the access log."""

    def work_list(self, *, caller: Caller) -> WorkList:
        """The team's due work, most urgent first."""
        team = self.own_team(caller)
        self.granted(caller, "work_list", f"team:{team}")
        deadlines = self.parts.deadlines
        return WorkList(items=self.index.work_list(team, self.today(), deadlines),
                        deadlines=deadlines)

    def case_counts(self, *, caller: Caller) -> CaseCounts:
        team = self.own_team(caller)
        self.granted(caller, "case_counts", f"team:{team}")
        return self.index.case_counts(team, self.today(), self.parts.deadlines)

    def assignable_agreements(self, case_id: UUID, *,
                              caller: Caller) -> list[AssignableAgreement]:
        """Agreements of the case's field and district active today with a free place,
        most places left first."""
        case = self.visible_case(case_id, caller)
        self.granted(caller, "case", str(case_id), person=case.client_pseudonym)
        today = self.today()
        active = [offer for offer in self.parts.agreements.offers(case.field_of_action,
                                                                  case.district)
                  if offer.record.is_active_on(today)]
        running = self.index.running_services_of([offer.record.agreement_id
                                                  for offer in active])
        assignable = [_assignable(offer, running.get(offer.record.agreement_id, 0))
                      for offer in active]
        return sorted((agreement for agreement in assignable if agreement.places_left > 0),
                      key=lambda agreement: (-agreement.places_left, agreement.title or "",
                                             str(agreement.agreement_id)))


    def occupancy(self, agreement_ids: list[UUID], *,
                  caller: Caller) -> list[AgreementOccupancy]:
        """Places taken by running services and places free, per agreement the replica knows;
        a provider learns only of its own agreements."""
        if caller.role not in OCCUPANCY_READERS:
            raise Refused(f"The role {caller.role.value} may not see occupancy.")
        known = self.parts.agreements.places(agreement_ids)
        if caller.role is Role.PROVIDER:
            known = {agreement_id: places for agreement_id, places in known.items()
                     if str(places.provider_id) == caller.principal.provider_id}
        running = self.index.running_services_of(list(known))
        return [AgreementOccupancy(
            agreement_id=agreement_id, provider_id=places.provider_id,
            capacity=places.capacity, places_taken=running.get(agreement_id, 0),
            places_free=max(places.capacity - running.get(agreement_id, 0), 0))
            for agreement_id, places in sorted(known.items(), key=lambda item: str(item[0]))]


OCCUPANCY_READERS = (Role.PROVIDER, Role.CONTRACT_MANAGER, Role.AUDITOR, Role.CASEWORKER)


def _assignable(offer: AgreementOffer, running_services: int) -> AssignableAgreement:
    record = offer.record
    return AssignableAgreement(
        agreement_id=record.agreement_id, title=offer.title, provider_id=offer.provider_id,
        provider_name=offer.provider_name, field_of_action=record.field_of_action,
        districts=offer.districts, pricing_unit=record.pricing_unit,
        unit_price_cents=offer.unit_price_cents, capacity=record.capacity,
        places_left=record.places_left(running_services), term_end=record.term_end)
