"""Contracts published on the cases topic: pseudonyms and coarse attributes only."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from shared.contracts.base import IntegrationEvent
from shared.vocabulary import AgeBand, FieldOfAction


class CaseOpened(IntegrationEvent):
    """A caseworker opened a case (Einzelfall) for a client."""

    service = "cases"

    case_id: UUID = Field(description="Aggregate id of the case.")
    client_pseudonym: str = Field(
        description="Pseudonym of the client; never the person's data.", examples=["p-3f2a9c"]
    )
    field_of_action: FieldOfAction = Field(examples=["jugend"])
    target_groups: list[str] = Field(examples=[["junge Erwachsene"]])
    district: str = Field(description="Sozialraum.", examples=["Nordstadt"])
    team: str = Field(examples=["asd-nord"])
    legal_basis: str = Field(examples=["SGB VIII §27"])
    age_band: AgeBand = Field(examples=["18-26"])
