"""The one place where agreements' domain events become public contracts."""

from __future__ import annotations

from typing import Any

from services.agreements.domain import Provider
from shared.contracts import IntegrationEvent, ProviderRegistered


def to_contract(domain_event: Any) -> IntegrationEvent | None:
    """The integration event for a domain event (None: nothing to publish)."""
    if isinstance(domain_event, Provider.Registered):
        return ProviderRegistered(
            provider_id=domain_event.originator_id,
            name=domain_event.name,
            legal_form=domain_event.legal_form,
            fields_of_action=domain_event.fields_of_action,
            occurred_on=domain_event.occurred_on,
            actor=domain_event.actor,
        )
    return None
