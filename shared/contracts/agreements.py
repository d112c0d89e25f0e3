"""Contracts published on the agreements topic."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from shared.contracts.base import IntegrationEvent
from shared.vocabulary import FieldOfAction


class ProviderRegistered(IntegrationEvent):
    """A provider (Freier Träger) was registered by a contract manager."""

    service = "agreements"

    provider_id: UUID = Field(description="Aggregate id of the provider.")
    name: str = Field(description="Registered name.", examples=["Jugendhilfe Nord e.V."])
    legal_form: str = Field(description="Legal form.", examples=["e.V."])
    fields_of_action: list[FieldOfAction] = Field(
        description="Fields of action the provider works in.", examples=[["jugend"]]
    )
