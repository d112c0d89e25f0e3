"""HTTP routes of the agreements service: parse, authorise, call the application."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.agreements.application import Agreements, ProviderView
from shared.auth import Principal, Role, require
from shared.vocabulary import FieldOfAction

router = APIRouter(tags=["providers"])

_MANAGERS = (Role.CONTRACT_MANAGER,)
_READERS = (Role.CONTRACT_MANAGER, Role.AUDITOR)


def application(request: Request) -> Agreements:
    app: Agreements = request.app.state.application
    return app


class ProviderRegistration(BaseModel):
    """Register a provider (Freier Träger)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "name": "Jugendhilfe Nord e.V.", "legal_form": "e.V.",
            "fields_of_action": ["jugend"], "contact": "info@jugendhilfe-nord.example",
        }]},
    )

    name: str = Field(min_length=1, max_length=200)
    legal_form: str = Field(min_length=1, max_length=50, examples=["e.V.", "gGmbH"])
    fields_of_action: list[FieldOfAction] = Field(min_length=1)
    contact: str = Field(default="", max_length=200)
    occurred_on: date | None = Field(
        default=None, description="Date of registration; today if left out."
    )


class ProviderOut(BaseModel):
    """A provider."""

    id: UUID
    version: int
    name: str
    legal_form: str
    fields_of_action: list[FieldOfAction]
    contact: str
    active: bool

    @classmethod
    def of(cls, view: ProviderView) -> ProviderOut:
        return cls.model_validate(view, from_attributes=True)


@router.post("/providers", status_code=201, response_model=ProviderOut,
             summary="Register a provider")
def register_provider(
    body: ProviderRegistration,
    response: Response,
    principal: Annotated[Principal, Depends(require(*_MANAGERS))],
    agreements: Annotated[Agreements, Depends(application)],
) -> ProviderOut:
    view = agreements.register_provider(
        name=body.name, legal_form=body.legal_form,
        fields_of_action=[field.value for field in body.fields_of_action],
        contact=body.contact, actor=principal.subject,
        occurred_on=body.occurred_on or date.today(),
    )
    response.headers["Location"] = f"/providers/{view.id}"
    response.headers["ETag"] = f'"{view.version}"'
    return ProviderOut.of(view)


@router.get("/providers/{provider_id}", response_model=ProviderOut, summary="Read a provider")
def read_provider(
    provider_id: UUID,
    response: Response,
    principal: Annotated[Principal, Depends(require(*_READERS, Role.PROVIDER))],
    agreements: Annotated[Agreements, Depends(application)],
) -> ProviderOut:
    view = agreements.provider(provider_id, reader=principal)
    response.headers["ETag"] = f'"{view.version}"'
    return ProviderOut.of(view)
