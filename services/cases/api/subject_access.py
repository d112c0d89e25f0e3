"""HTTP route of a data-subject access request (DSGVO Art. 15), and the access log per person."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from services.cases.api.answers import AccessOut, CaseOut, ClientOut, Out
from services.cases.api.dependencies import App, DataProtectionOfficer, Purpose
from shared.http import HistoryEntryOut

router = APIRouter(tags=["data protection"])


class CaseRecordOut(Out):
    """One case of the person: as it stands, and every event recorded about it."""

    case: CaseOut
    events: list[HistoryEntryOut]


class SubjectAccessOut(Out):
    """Everything stored about one person, and every access to it (newest first)."""

    client: ClientOut = Field(description="With the personal data, unless it was erased.")
    client_events: list[HistoryEntryOut]
    cases: list[CaseRecordOut]
    accesses: list[AccessOut] = Field(description="Every read and refusal concerning the "
                                                  "person, this request included.")
    requested_by: str
    generated_at: datetime


@router.get("/clients/{client_id}/subject-access", response_model=SubjectAccessOut,
            summary="Everything stored about a person, and who read it (DSGVO Art. 15)",
            description="For the data protection officer; logged under the purpose "
                        "`subject_access` unless another of the role's is named.",
            responses={404: {"description": "No such client."}})
def subject_access(client_id: UUID, caller: DataProtectionOfficer, cases: App,
                   x_purpose: Purpose = None) -> SubjectAccessOut:
    if x_purpose is None:
        caller = replace(caller, purpose="subject_access")
    report = cases.subject_access(client_id, caller=caller)
    client = replace(report.client, personal_data=report.personal_data)
    return SubjectAccessOut(
        client=ClientOut.of(client),
        client_events=[HistoryEntryOut.of(entry) for entry in report.client_events],
        cases=[CaseRecordOut(case=CaseOut.of(record.details),
                             events=[HistoryEntryOut.of(entry) for entry in record.events])
               for record in report.cases],
        accesses=[AccessOut.of(access) for access in report.accesses],
        requested_by=report.requested_by, generated_at=report.generated_at)


class DueOut(Out):
    """A person whose personal data is due for erasure, and why."""

    client_id: UUID
    pseudonym: str
    field_of_action: str
    closed_on: date
    years: int
    due_on: date
    reason: str


@router.get("/retention/due", response_model=list[DueOut],
            summary="Whose personal data is due for erasure (the retention periods' dry run)",
            description="The same list `wirkung cases retention --dry-run` prints; the service "
                        "erases them on its schedule.")
def retention_due(caller: DataProtectionOfficer, cases: App,
                  on: date | None = None) -> list[DueOut]:
    day = on or cases.today()
    cases.granted(caller, "retention_list", day.isoformat())
    return [DueOut(client_id=item.client_id, pseudonym=item.pseudonym,
                   field_of_action=item.field_of_action, closed_on=item.closed_on,
                   years=item.years, due_on=item.due_on, reason=item.reason)
            for item in cases.due_for_erasure(day)]
