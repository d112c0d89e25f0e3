"""Service agreements (Leistungsvereinbarungen): draft to termination, read, history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from services.agreements.application.base import AgreementsBase
from services.agreements.application.dtos import AgreementDetails
from services.agreements.domain import (
    AgreementTerms,
    ImpactGoal,
    Provider,
    ServiceAgreement,
)
from shared.history import HistoryEntry, history, load
from shared.principals import Caller


class AgreementCommands(AgreementsBase):
    """Draft, sign, amend, suspend, resume, terminate and read agreements."""

    def draft_agreement(self, *, provider_id: UUID, terms: AgreementTerms, caller: Caller,
                        occurred_on: date) -> AgreementDetails:
        provider: Provider = load(self, provider_id, what="provider")
        agreement = ServiceAgreement.draft(provider_id=provider_id,
                                           provider_active=provider.active, terms=terms,
                                           actor=caller.subject, occurred_on=occurred_on,
                                           agreement_id=self.new_id())
        self.save(agreement)
        return AgreementDetails.of(agreement, self.today())

    def edit_agreement(self, agreement_id: UUID, *, terms: AgreementTerms, caller: Caller,
                       occurred_on: date, expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.edit(terms=terms, actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def sign_agreement(self, agreement_id: UUID, *, caller: Caller, occurred_on: date,
                       expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.sign(actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def amend_agreement(self, agreement_id: UUID, *, effective_date: date, reason: str,
                        annual_budget_cents: int | None, unit_price_cents: int | None,
                        capacity: int | None, impact_goals: Sequence[ImpactGoal] | None,
                        term_end: date | None, caller: Caller, occurred_on: date,
                        expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.amend(effective_date=effective_date, reason=reason,
                        annual_budget_cents=annual_budget_cents,
                        unit_price_cents=unit_price_cents, capacity=capacity,
                        impact_goals=impact_goals, term_end=term_end,
                        actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def suspend_agreement(self, agreement_id: UUID, *, reason: str, caller: Caller,
                          occurred_on: date, expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.suspend(reason=reason, actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def resume_agreement(self, agreement_id: UUID, *, caller: Caller, occurred_on: date,
                         expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.resume(actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def terminate_agreement(self, agreement_id: UUID, *, termination_date: date, reason: str,
                            caller: Caller, occurred_on: date,
                            expected_version: int | None) -> AgreementDetails:
        agreement = self._for_change(agreement_id, caller, expected_version)
        agreement.terminate(termination_date=termination_date, reason=reason,
                            actor=caller.subject, occurred_on=occurred_on)
        return self._saved(agreement)

    def agreement(self, agreement_id: UUID, *, caller: Caller, today: date,
                  version: int | None = None, as_of: datetime | None = None) -> AgreementDetails:
        agreement = self.agreement_in_scope(agreement_id, caller, version=version, as_of=as_of)
        return AgreementDetails.of(agreement, today)

    def agreement_history(self, agreement_id: UUID, *, caller: Caller) -> list[HistoryEntry]:
        self.agreement_in_scope(agreement_id, caller)
        return history(self, agreement_id)

    def _for_change(self, agreement_id: UUID, caller: Caller,
                    expected_version: int | None) -> ServiceAgreement:
        return self.agreement_in_scope(agreement_id, caller, expected_version=expected_version)

    def _saved(self, agreement: ServiceAgreement) -> AgreementDetails:
        """Save, and show the agreement as it stands today."""
        self.save(agreement)
        return AgreementDetails.of(agreement, self.today())
