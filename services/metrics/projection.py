"""How each integration event changes the facts. One function per event type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shared.contracts import CaseOpened, IntegrationEvent, ProviderRegistered
from shared.contracts.base import contract_for
from shared.envelope import Envelope
from shared.projection import Connection


class UnknownEventType(LookupError):
    """An event type this projection has no contract for."""


Projector = Callable[[Connection, Envelope, IntegrationEvent], Awaitable[None]]


async def provider_registered(connection: Connection, envelope: Envelope,
                              event: IntegrationEvent) -> None:
    assert isinstance(event, ProviderRegistered)
    await connection.execute(
        """INSERT INTO provider_facts
           (provider_id, name, legal_form, fields_of_action, registered_on, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        event.provider_id, event.name, event.legal_form,
        [field.value for field in event.fields_of_action], event.occurred_on, envelope.time,
    )


async def case_opened(connection: Connection, envelope: Envelope,
                      event: IntegrationEvent) -> None:
    assert isinstance(event, CaseOpened)
    await connection.execute(
        """INSERT INTO case_facts
           (case_id, client_pseudonym, field_of_action, target_groups, district, team,
            legal_basis, age_band, opened_on, opened_recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        event.case_id, event.client_pseudonym, event.field_of_action.value,
        event.target_groups, event.district, event.team, event.legal_basis,
        event.age_band.value, event.occurred_on, envelope.time,
    )


PROJECTORS: dict[type[IntegrationEvent], Projector] = {
    ProviderRegistered: provider_registered,
    CaseOpened: case_opened,
}


def parse(envelope: Envelope) -> IntegrationEvent:
    """The contract instance of an envelope; raises on unknown types or bad data."""
    try:
        contract = contract_for(envelope.type)
    except KeyError as error:
        raise UnknownEventType(envelope.type) from error
    return contract.model_validate(envelope.data)


async def project(connection: Connection, envelope: Envelope,
                  event: IntegrationEvent) -> None:
    """Apply one event; a known contract no indicator needs only advances the version."""
    projector = PROJECTORS.get(type(event))
    if projector is not None:
        await projector(connection, envelope, event)
