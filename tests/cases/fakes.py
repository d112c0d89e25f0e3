"""Small fakes of the cases application's collaborators, for tests on the in-memory store."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from services.cases.application import CasePage, CaseQuery, Cases, CasesParts
from services.cases.domain import AgreementOnRecord
from services.cases.personal_data import MemoryVault
from shared.access_log import MemoryAccessLog


@dataclass
class FakeIndex:
    """Answers what the test says the read model would."""

    running: dict[UUID, int] = field(default_factory=dict)
    teams: dict[str, set[str]] = field(default_factory=dict)
    closures: dict[str, date] = field(default_factory=dict)

    def running_services(self, agreement_id: UUID) -> int:
        return self.running.get(agreement_id, 0)

    def teams_with_cases(self, client_pseudonym: str) -> set[str]:
        return self.teams.get(client_pseudonym, set())

    def last_closure(self, client_pseudonym: str, *, on_or_before: date) -> date | None:
        closed = self.closures.get(client_pseudonym)
        return closed if closed is not None and closed <= on_or_before else None

    def cases(self, query: CaseQuery) -> CasePage:
        return CasePage(items=[], total=0, limit=query.limit, offset=query.offset)


@dataclass
class FakeAgreements:
    on_record: dict[UUID, AgreementOnRecord] = field(default_factory=dict)

    def agreement(self, agreement_id: UUID) -> AgreementOnRecord | None:
        return self.on_record.get(agreement_id)

    def assignment_lock(self, agreement_id: UUID) -> AbstractContextManager[None]:
        return nullcontext()


@dataclass
class InMemory:
    """The application on the in-memory event store, and its fakes to look into."""

    cases: Cases
    vault: MemoryVault
    log: MemoryAccessLog
    index: FakeIndex
    agreements: FakeAgreements


def in_memory_cases() -> InMemory:
    vault, log, index, agreements = MemoryVault(), MemoryAccessLog(), FakeIndex(), \
        FakeAgreements()
    cases = Cases(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                  parts=CasesParts(vault=vault, access_log=log, agreements=agreements,
                                   index=index))
    return InMemory(cases, vault, log, index, agreements)
