"""HTTP routes of the cases service: parse, authorise, call the application."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.cases.application import Cases, CaseView
from shared.auth import Principal, Role, require
from shared.vocabulary import AgeBand, FieldOfAction

router = APIRouter(tags=["cases"])


def application(request: Request) -> Cases:
    app: Cases = request.app.state.application
    return app


class CaseOpening(BaseModel):
    """Open a case (Einzelfall) for a client known by pseudonym."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "client_pseudonym": "p-3f2a9c", "field_of_action": "jugend",
            "target_groups": ["junge Erwachsene"], "district": "Nordstadt",
            "team": "asd-nord", "legal_basis": "SGB VIII §27", "age_band": "18-26",
        }]},
    )

    client_pseudonym: str = Field(min_length=1, max_length=64)
    field_of_action: FieldOfAction
    target_groups: list[str] = Field(default_factory=list, max_length=20)
    district: str = Field(min_length=1, max_length=100, description="Sozialraum")
    team: str = Field(min_length=1, max_length=100)
    legal_basis: str = Field(min_length=1, max_length=100, examples=["SGB VIII §27"])
    age_band: AgeBand
    occurred_on: date | None = Field(default=None, description="Opening date; today if left out.")


class CaseOut(BaseModel):
    """A case."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: FieldOfAction
    target_groups: list[str]
    district: str
    team: str
    legal_basis: str
    age_band: AgeBand
    opened_on: date
    status: str

    @classmethod
    def of(cls, view: CaseView) -> CaseOut:
        return cls.model_validate(view, from_attributes=True)


@router.post("/cases", status_code=201, response_model=CaseOut, summary="Open a case")
def open_case(
    body: CaseOpening,
    response: Response,
    principal: Annotated[Principal, Depends(require(Role.CASEWORKER))],
    cases: Annotated[Cases, Depends(application)],
) -> CaseOut:
    view = cases.open_case(
        client_pseudonym=body.client_pseudonym, field_of_action=body.field_of_action.value,
        target_groups=body.target_groups, district=body.district, team=body.team,
        legal_basis=body.legal_basis, age_band=body.age_band.value, actor=principal,
        occurred_on=body.occurred_on or date.today(),
    )
    response.headers["Location"] = f"/cases/{view.id}"
    response.headers["ETag"] = f'"{view.version}"'
    return CaseOut.of(view)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="Read a case")
def read_case(
    case_id: UUID,
    response: Response,
    principal: Annotated[Principal, Depends(require(Role.CASEWORKER, Role.AUDITOR))],
    cases: Annotated[Cases, Depends(application)],
) -> CaseOut:
    view = cases.case(case_id, reader=principal)
    response.headers["ETag"] = f'"{view.version}"'
    return CaseOut.of(view)
