"""Small fakes of the cases application's collaborators, for tests on the in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from services.cases.application import (
    AgreementOffer,
    CaseCounts,
    CasePage,
    CaseQuery,
    Cases,
    CasesParts,
    Deadlines,
    WorkItem,
)
from services.cases.application.workspace_dtos import AgreementName, AgreementPlaces
from services.cases.domain import AgreementOnRecord
from services.cases.personal_data import SECURE, MemoryVault, Randomness
from services.cases.retention import RetentionPeriods
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

    def case_ids_of(self, client_pseudonym: str) -> list[UUID]:
        return []  # the export's query is tested on the real read model

    def retention_due(self, periods: RetentionPeriods,
                      today: date) -> list[tuple[str, str, date, int, date]]:
        return []  # the retention's query is tested on the real read model

    def running_services_of(self, agreement_ids: Sequence[UUID]) -> dict[UUID, int]:
        return {agreement_id: self.running[agreement_id] for agreement_id in agreement_ids
                if agreement_id in self.running}

    def work_list(self, team: str, today: date, deadlines: Deadlines) -> list[WorkItem]:
        return []

    def case_counts(self, team: str, today: date, deadlines: Deadlines) -> CaseCounts:
        return CaseCounts(open=0, without_assessment=0, assessments_due=0, reviews_due=0,
                          services_ending=0)


@dataclass
class FakeAgreements:
    on_record: dict[UUID, AgreementOnRecord] = field(default_factory=dict)
    offered: list[AgreementOffer] = field(default_factory=list)

    def agreement(self, agreement_id: UUID) -> AgreementOnRecord | None:
        return self.on_record.get(agreement_id)

    def assignment_lock(self, agreement_id: UUID) -> AbstractContextManager[None]:
        return nullcontext()

    def names(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementName]:
        return {offer.record.agreement_id: AgreementName(offer.title, offer.provider_name)
                for offer in self.offered if offer.record.agreement_id in agreement_ids}

    def places(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementPlaces]:
        return {offer.record.agreement_id: AgreementPlaces(offer.provider_id,
                                                           offer.record.capacity)
                for offer in self.offered if offer.record.agreement_id in agreement_ids}

    def offers(self, field_of_action: str, district: str) -> list[AgreementOffer]:
        return [offer for offer in self.offered if offer.record.field_of_action == field_of_action
                and district in offer.districts and offer.record.signed_on is not None]


@dataclass
class InMemory:
    """The application on the in-memory event store, and its fakes to look into."""

    cases: Cases
    vault: MemoryVault
    log: MemoryAccessLog
    index: FakeIndex
    agreements: FakeAgreements


def in_memory_cases(randomness: Randomness = SECURE) -> InMemory:
    vault, log, index, agreements = MemoryVault(randomness=randomness), MemoryAccessLog(), \
        FakeIndex(), FakeAgreements()
    cases = Cases(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                  parts=CasesParts(vault=vault, access_log=log, agreements=agreements,
                                   index=index, randomness=randomness))
    return InMemory(cases, vault, log, index, agreements)
