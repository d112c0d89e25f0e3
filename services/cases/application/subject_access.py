"""Data-subject access (DSGVO Art. 15): everything stored about one person, and who read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.cases.application.base import CasesBase
from services.cases.application.dtos import CaseDetails, ClientDetails, case_details, client_details
from services.cases.application.sealing import opened_history
from services.cases.domain import Case
from services.cases.personal_data import PersonalData, PersonalDataErased
from shared.access_log import Access
from shared.errors import NotFound, Refused
from shared.history import HistoryEntry, history
from shared.principals import Caller, Role

# Enough for every access to one person's data in any real retention period.
ACCESSES_AT_MOST = 1_000_000


@dataclass(frozen=True)
class CaseRecord:
    """One case of the person: as it stands, and every event recorded about it."""

    details: CaseDetails
    events: list[HistoryEntry]


@dataclass(frozen=True)
class SubjectAccessReport:
    """What Art. 15 entitles the person to: their data, their cases, every access."""

    client: ClientDetails
    personal_data: PersonalData | None  # None once erased
    client_events: list[HistoryEntry]
    cases: list[CaseRecord]
    accesses: list[Access]  # newest first; this request's own entry included
    requested_by: str
    generated_at: datetime


class SubjectAccess(CasesBase):
    def subject_access(self, client_id: UUID, *, caller: Caller) -> SubjectAccessReport:
        """The complete export for one person, for the data protection officer (logged)."""
        if caller.role is not Role.DATA_PROTECTION_OFFICER:
            raise Refused("Only the data protection officer answers an access request.")
        client = self.client_aggregate(client_id)
        if client is None:
            self.refused(caller, "client", str(client_id))
            raise NotFound(f"No client {client_id}.")
        self.granted(caller, "client", client.pseudonym)
        try:
            personal_data: PersonalData | None = self.parts.vault.read(client.id)
        except PersonalDataErased:
            personal_data = None
        records = []
        for case_id in self.index.case_ids_of(client.pseudonym):
            case: Case = self.repository.get(case_id)
            texts = self.texts(case)  # opened with the person's key (the marker, once erased)
            records.append(CaseRecord(self.named(case_details(case, texts)),
                                      opened_history(history(self, case_id), texts)))
        accesses = self.parts.access_log.entries(client_pseudonym=client.pseudonym,
                                                 limit=ACCESSES_AT_MOST)
        return SubjectAccessReport(
            client=client_details(client), personal_data=personal_data,
            client_events=history(self, client.id), cases=records, accesses=accesses,
            requested_by=caller.subject, generated_at=self.parts.clock.now())
