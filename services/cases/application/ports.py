"""What the cases application needs besides its event store, as interfaces.

PostgreSQL implementations are wired in `main.py`; tests may pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from uuid import UUID

from services.cases.application.dtos import CasePage, CaseQuery
from services.cases.application.workspace_dtos import (
    AgreementName,
    AgreementOffer,
    AgreementPlaces,
    CaseCounts,
    Deadlines,
    WorkItem,
)
from services.cases.domain import AgreementOnRecord
from services.cases.personal_data import SECURE, Randomness, Vault
from services.cases.retention import RetentionPeriods
from shared.access_log import AccessLog
from shared.clock import Clock, SystemClock


class CaseIndex(Protocol):
    """Questions the cases read model answers."""

    def running_services(self, agreement_id: UUID) -> int: ...
    def teams_with_cases(self, client_pseudonym: str) -> set[str]: ...
    def last_closure(self, client_pseudonym: str, *, on_or_before: date) -> date | None: ...
    def cases(self, query: CaseQuery) -> CasePage: ...
    def case_ids_of(self, client_pseudonym: str) -> list[UUID]: ...
    def retention_due(self, periods: RetentionPeriods,
                      today: date) -> list[tuple[str, str, date, int, date]]: ...
    def running_services_of(self, agreement_ids: Sequence[UUID]) -> dict[UUID, int]: ...
    def work_list(self, team: str, today: date, deadlines: Deadlines) -> list[WorkItem]: ...
    def case_counts(self, team: str, today: date, deadlines: Deadlines) -> CaseCounts: ...


class AgreementReplica(Protocol):
    """The agreements as the cases service knows them from the agreements topic."""

    def agreement(self, agreement_id: UUID) -> AgreementOnRecord | None: ...
    def assignment_lock(self, agreement_id: UUID) -> AbstractContextManager[None]: ...
    def offers(self, field_of_action: str, district: str) -> list[AgreementOffer]: ...
    def names(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementName]: ...
    def places(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementPlaces]: ...


@dataclass
class CasesParts:
    """The application's collaborators, and how to let go of them."""

    vault: Vault
    access_log: AccessLog
    agreements: AgreementReplica
    index: CaseIndex
    closers: list[Callable[[], None]] = field(default_factory=list)
    # What day and moment it is: the work list, the agreements open to assignment, the
    # day a command happened when the caller leaves it out.
    clock: Clock = field(default_factory=SystemClock)
    deadlines: Deadlines = field(default_factory=Deadlines)
    retention: RetentionPeriods = field(default_factory=RetentionPeriods)
    # Where the new client keys and the nonces of sealed texts come from (the vault's too).
    randomness: Randomness = SECURE

    def close(self) -> None:
        for close in self.closers:
            close()
