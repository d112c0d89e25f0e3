"""The agreements application: load an aggregate, run one command, save."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.agreements.domain import Provider
from shared.auth import Principal, Role
from shared.eventstore import ServiceApplication
from shared.problems import NotFound

_log = logging.getLogger("wirkung.agreements")


@dataclass(frozen=True)
class ProviderView:
    """A provider as the API shows it."""

    id: UUID
    version: int
    name: str
    legal_form: str
    fields_of_action: list[str]
    contact: str
    active: bool


class Agreements(ServiceApplication):
    """Providers, service agreements and provider reports."""

    def register_provider(self, *, name: str, legal_form: str, fields_of_action: list[str],
                          contact: str, actor: str, occurred_on: date) -> ProviderView:
        provider = Provider(name=name, legal_form=legal_form, fields_of_action=fields_of_action,
                            contact=contact, actor=actor, occurred_on=occurred_on)
        self.save(provider)
        return _view(provider)

    def provider(self, provider_id: UUID, *, reader: Principal) -> ProviderView:
        if reader.role is Role.PROVIDER and reader.provider_id != str(provider_id):
            # Another tenant's object answers as if it did not exist.
            _log.warning("refused read of provider %s by %s", provider_id, reader.subject)
            raise NotFound(f"No provider {provider_id}.")
        try:
            provider: Provider = self.repository.get(provider_id)
        except AggregateNotFoundError as error:
            raise NotFound(f"No provider {provider_id}.") from error
        return _view(provider)


def _view(provider: Provider) -> ProviderView:
    return ProviderView(id=provider.id, version=provider.version, name=provider.name,
                        legal_form=provider.legal_form,
                        fields_of_action=provider.fields_of_action,
                        contact=provider.contact, active=provider.active)
