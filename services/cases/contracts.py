"""The one place where cases' domain events become public contracts."""

from __future__ import annotations

from typing import Any

from services.cases.domain import Case
from shared.contracts import CaseOpened, IntegrationEvent


def to_contract(domain_event: Any) -> IntegrationEvent | None:
    """The integration event for a domain event (None: nothing to publish)."""
    if isinstance(domain_event, Case.Opened):
        return CaseOpened(
            case_id=domain_event.originator_id,
            client_pseudonym=domain_event.client_pseudonym,
            field_of_action=domain_event.field_of_action,
            target_groups=domain_event.target_groups,
            district=domain_event.district,
            team=domain_event.team,
            legal_basis=domain_event.legal_basis,
            age_band=domain_event.age_band,
            occurred_on=domain_event.occurred_on,
            actor=domain_event.actor,
        )
    return None
