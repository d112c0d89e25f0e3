"""HTTP routes for reading and opening cases: parse, authorise, call the application."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from services.cases.api.answers import CaseOut, CasePageOut, GoalOut, ServiceOut
from services.cases.api.dependencies import App, CaseReader, CaseWorker
from services.cases.api.models import CaseOpening
from services.cases.application import CaseOrder, WorkKind
from shared.http import HistoryEntryOut, Past, etag
from shared.vocabulary import FieldOfAction

router = APIRouter(tags=["cases"])


@router.post("/cases", status_code=201, response_model=CaseOut, summary="Open a case")
def open_case(body: CaseOpening, response: Response, caller: CaseWorker,
              cases: App) -> CaseOut:
    case = cases.open_case(
        client=body.client(), field_of_action=body.field_of_action.value,
        target_groups=body.target_groups, district=body.district, team=body.team,
        legal_basis=body.legal_basis, caller=caller, occurred_on=cases.on(body.occurred_on))
    response.headers["Location"] = f"/cases/{case.id}"
    response.headers["ETag"] = etag(case.version)
    return CaseOut.of(case)


@router.get("/cases", response_model=CasePageOut,
            summary="List your team's cases (auditors: every team's)")
def list_cases(
    caller: CaseReader, cases: App,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    field_of_action: FieldOfAction | None = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    reentry: Annotated[bool | None, Query(
        description="Only re-entries (true) or only first cases (false).")] = None,
    due: Annotated[WorkKind | None, Query(
        description="Only open cases on the work list (`GET /work-list`) for this reason.")
    ] = None,
    sort: Annotated[CaseOrder, Query(
        description="Order of the list; `-opened_on` is newest first.")
    ] = CaseOrder.NEWEST_FIRST,
    client_pseudonym: Annotated[str | None, Query(
        min_length=1, max_length=100,
        description="Only the cases of the client with this pseudonym (logged under it).",
        examples=["p-3f9a1c2b7d4e5f60"])] = None,
) -> CasePageOut:
    page = cases.cases(caller=caller, status=status, district=district, limit=limit,
                       offset=offset, reentry=reentry, due=due, sort=sort,
                       field_of_action=field_of_action.value if field_of_action else None,
                       client_pseudonym=client_pseudonym)
    return CasePageOut.of(page)


@router.get("/cases/{case_id}", response_model=CaseOut,
            summary="Read a case, now or as it was (version or moment)")
def read_case(
    case_id: UUID, response: Response, caller: CaseReader, cases: App, past: Past,
) -> CaseOut:
    case = cases.case(case_id, caller=caller, version=past.version, as_of=past.as_of)
    response.headers["ETag"] = etag(case.version)
    return CaseOut.of(case)


@router.get("/cases/{case_id}/history", response_model=list[HistoryEntryOut],
            summary="Every recorded event of a case",
            description="Each event as it happened; the caseworker's free text in it (an "
                        "assessment, a goal, a note, a reason) reads `[gelöscht]` once the "
                        "client's personal data is erased.")
def case_history(case_id: UUID, caller: CaseReader, cases: App) -> list[HistoryEntryOut]:
    return [HistoryEntryOut.of(entry) for entry in cases.case_history(case_id, caller=caller)]


@router.get("/cases/{case_id}/goals/{goal_id}", response_model=GoalOut,
            summary="Read a help-plan goal")
def read_goal(case_id: UUID, goal_id: UUID, caller: CaseReader, cases: App) -> GoalOut:
    return GoalOut.of(cases.goal(case_id, goal_id, caller=caller))


@router.get("/cases/{case_id}/services/{service_id}", response_model=ServiceOut,
            summary="Read a service of a case")
def read_service(case_id: UUID, service_id: UUID, caller: CaseReader,
                 cases: App) -> ServiceOut:
    return ServiceOut.of(cases.service(case_id, service_id, caller=caller))
