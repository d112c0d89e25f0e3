"""Providers (Freie Träger): register, update, deactivate, read."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.agreements.application.base import AgreementsBase
from services.agreements.application.dtos import ProviderDetails
from services.agreements.domain import Provider
from shared.history import HistoryEntry, history, load
from shared.principals import Caller, Role


class ProviderCommands(AgreementsBase):
    """Register, change, deactivate and read providers."""

    def register_provider(self, *, name: str, legal_form: str, fields_of_action: list[str],
                          contact: str, caller: Caller, occurred_on: date) -> ProviderDetails:
        provider = Provider.register(name=name, legal_form=legal_form,
                                     fields_of_action=fields_of_action, contact=contact,
                                     actor=caller.subject, occurred_on=occurred_on,
                                     provider_id=self.new_id())
        self.save(provider)
        return ProviderDetails.of(provider)

    def update_provider(self, provider_id: UUID, *, name: str | None, legal_form: str | None,
                        fields_of_action: list[str] | None, contact: str | None,
                        caller: Caller, occurred_on: date,
                        expected_version: int | None) -> ProviderDetails:
        provider: Provider = load(self, provider_id, expected_version=expected_version,
                                  what="provider")
        provider.update(name=name, legal_form=legal_form, fields_of_action=fields_of_action,
                        contact=contact, actor=caller.subject, occurred_on=occurred_on)
        self.save(provider)
        return ProviderDetails.of(provider)

    def deactivate_provider(self, provider_id: UUID, *, caller: Caller, occurred_on: date,
                            expected_version: int | None) -> ProviderDetails:
        provider: Provider = load(self, provider_id, expected_version=expected_version,
                                  what="provider")
        provider.deactivate(actor=caller.subject, occurred_on=occurred_on)
        self.save(provider)
        return ProviderDetails.of(provider)

    def provider(self, provider_id: UUID, *, caller: Caller, version: int | None = None,
                 as_of: datetime | None = None) -> ProviderDetails:
        self._check_provider_scope(provider_id, caller)
        return ProviderDetails.of(load(self, provider_id, version=version, as_of=as_of,
                                    what="provider"))

    def provider_history(self, provider_id: UUID, *, caller: Caller) -> list[HistoryEntry]:
        self._check_provider_scope(provider_id, caller)
        load(self, provider_id, what="provider")
        return history(self, provider_id)

    def _check_provider_scope(self, provider_id: UUID, caller: Caller) -> None:
        if caller.role is Role.PROVIDER and caller.provider_id != str(provider_id):
            raise self.refuse(caller, "provider", provider_id)
