"""How each agreements contract changes the replica. Events no rule needs only advance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.contracts import (
    IntegrationEvent,
    ProviderRegistered,
    ProviderUpdated,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementEdited,
    ServiceAgreementResumed,
    ServiceAgreementSigned,
    ServiceAgreementSuspended,
    ServiceAgreementTerminated,
)
from shared.contracts.base import contract_for
from shared.envelope import Envelope
from shared.projection import Connection

Projector = Callable[[Connection, Envelope, Any], Awaitable[None]]


class UnknownEventType(LookupError):
    """An event type without a contract: it goes to the dead letters."""


def parse(envelope: Envelope) -> IntegrationEvent:
    """The contract instance of an envelope; raises on unknown types or bad data."""
    try:
        contract = contract_for(envelope.type)
    except KeyError as error:
        raise UnknownEventType(envelope.type) from error
    return contract.model_validate(envelope.data)


async def drafted(connection: Connection, envelope: Envelope,
                  event: ServiceAgreementDrafted) -> None:
    await connection.execute(
        """INSERT INTO replica_agreements (agreement_id, provider_id, field_of_action, districts,
               pricing_unit, capacity, term_start, term_end, version, recorded_at, title,
               unit_price_cents)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (agreement_id) DO NOTHING""",
        event.agreement_id, event.provider_id, event.field_of_action.value, event.districts,
        event.pricing_unit.value, event.capacity, event.term_start, event.term_end,
        envelope.aggregate_version, envelope.time, event.title, event.unit_price_cents)


async def edited(connection: Connection, envelope: Envelope,
                 event: ServiceAgreementEdited) -> None:
    await connection.execute(
        """UPDATE replica_agreements SET field_of_action = COALESCE($2, field_of_action),
               districts = COALESCE($3, districts), pricing_unit = COALESCE($4, pricing_unit),
               capacity = COALESCE($5, capacity), term_start = COALESCE($6, term_start),
               term_end = COALESCE($7, term_end), version = $8, recorded_at = $9,
               title = COALESCE($10, title), unit_price_cents = COALESCE($11, unit_price_cents)
           WHERE agreement_id = $1""",
        event.agreement_id, event.field_of_action and event.field_of_action.value,
        event.districts, event.pricing_unit and event.pricing_unit.value, event.capacity,
        event.term_start, event.term_end, envelope.aggregate_version, envelope.time,
        event.title, event.unit_price_cents)


async def signed(connection: Connection, envelope: Envelope,
                 event: ServiceAgreementSigned) -> None:
    await connection.execute(
        """UPDATE replica_agreements SET signed_on = $2, version = $3, recorded_at = $4
           WHERE agreement_id = $1""",
        event.agreement_id, event.occurred_on, envelope.aggregate_version, envelope.time)


async def amended(connection: Connection, envelope: Envelope,
                  event: ServiceAgreementAmended) -> None:
    # Like the agreements service itself, the amended terms hold from now on.
    await connection.execute(
        """UPDATE replica_agreements SET capacity = COALESCE($2, capacity),
               term_end = COALESCE($3, term_end), version = $4, recorded_at = $5,
               unit_price_cents = COALESCE($6, unit_price_cents)
           WHERE agreement_id = $1""",
        event.agreement_id, event.capacity, event.term_end, envelope.aggregate_version,
        envelope.time, event.unit_price_cents)


async def suspended(connection: Connection, envelope: Envelope,
                    event: ServiceAgreementSuspended) -> None:
    await connection.execute(
        "INSERT INTO replica_suspensions (agreement_id, since) VALUES ($1, $2)",
        event.agreement_id, event.occurred_on)
    await _advance(connection, envelope, event.agreement_id)


async def resumed(connection: Connection, envelope: Envelope,
                  event: ServiceAgreementResumed) -> None:
    await connection.execute(
        "UPDATE replica_suspensions SET until = $2 WHERE agreement_id = $1 AND until IS NULL",
        event.agreement_id, event.occurred_on)
    await _advance(connection, envelope, event.agreement_id)


async def terminated(connection: Connection, envelope: Envelope,
                     event: ServiceAgreementTerminated) -> None:
    await connection.execute(
        """UPDATE replica_agreements SET termination_date = $2, version = $3, recorded_at = $4
           WHERE agreement_id = $1""",
        event.agreement_id, event.termination_date, envelope.aggregate_version, envelope.time)


async def provider_registered(connection: Connection, envelope: Envelope,
                              event: ProviderRegistered) -> None:
    await connection.execute(
        """INSERT INTO replica_providers (provider_id, name, version, recorded_at)
           VALUES ($1, $2, $3, $4) ON CONFLICT (provider_id) DO NOTHING""",
        event.provider_id, event.name, envelope.aggregate_version, envelope.time)


async def provider_updated(connection: Connection, envelope: Envelope,
                           event: ProviderUpdated) -> None:
    await connection.execute(
        """UPDATE replica_providers SET name = COALESCE($2, name), version = $3,
               recorded_at = $4 WHERE provider_id = $1""",
        event.provider_id, event.name, envelope.aggregate_version, envelope.time)


async def _advance(connection: Connection, envelope: Envelope, agreement_id: Any) -> None:
    await connection.execute(
        "UPDATE replica_agreements SET version = $2, recorded_at = $3 WHERE agreement_id = $1",
        agreement_id, envelope.aggregate_version, envelope.time)


PROJECTORS: dict[type[IntegrationEvent], Projector] = {
    ProviderRegistered: provider_registered,
    ProviderUpdated: provider_updated,
    ServiceAgreementDrafted: drafted,
    ServiceAgreementEdited: edited,
    ServiceAgreementSigned: signed,
    ServiceAgreementAmended: amended,
    ServiceAgreementSuspended: suspended,
    ServiceAgreementResumed: resumed,
    ServiceAgreementTerminated: terminated,
}


async def project(connection: Connection, envelope: Envelope, event: IntegrationEvent) -> None:
    """Apply one event; reports and events of other kinds only advance."""
    projector = PROJECTORS.get(type(event))
    if projector is not None:
        await projector(connection, envelope, event)
