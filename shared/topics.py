"""Topic names. A prefix keeps tenants (or test runs) apart on one cluster."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topics:
    """The topics of one Wirkung installation."""

    prefix: str = "wirkung"

    @property
    def agreements(self) -> str:
        return f"{self.prefix}.agreements.events"

    @property
    def cases(self) -> str:
        return f"{self.prefix}.cases.events"

    @property
    def metrics_dlq(self) -> str:
        return f"{self.prefix}.metrics.dlq"

    @property
    def audit_checkpoints(self) -> str:
        return f"{self.prefix}.audit.checkpoints"

    def all(self) -> list[str]:
        return [self.agreements, self.cases, self.metrics_dlq, self.audit_checkpoints]

    def durable(self) -> list[str]:
        """The topics whose whole history must stay: a rebuild, an auditor's verification and
        a new consumer read them from offset zero."""
        return [self.agreements, self.cases, self.audit_checkpoints]


# Topic configuration of the durable topics: kept forever (Kafka's default is seven days).
UNLIMITED_RETENTION = {"retention.ms": "-1"}
