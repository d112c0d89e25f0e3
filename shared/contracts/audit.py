"""Contracts on the audit checkpoints topic."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.contracts.base import IntegrationEvent


class AuditCheckpointSigned(IntegrationEvent):
    """A service signed its event chain's hash at a position of its notification log."""

    service = "audit"

    chain_of: str = Field(description="The service whose event store is chained.",
                          examples=["agreements"])
    position: int = Field(ge=1, description="Notification id the hash covers up to.",
                          examples=[1200])
    chain_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex.",
                            examples=["ab" * 32])
    signed_at: datetime = Field(examples=["2026-04-02T09:15:00Z"])
    signature: str = Field(pattern=r"^[0-9a-f]{128}$", description="Ed25519, hex.",
                           examples=["cd" * 64])
