"""HTTP route naming the purposes a caller's role may read personal and case data for."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from services.cases.purposes import Purposes
from shared.auth import Principal, current_principal

router = APIRouter(tags=["purposes"])


class PurposeOut(BaseModel):
    key: str = Field(description="What to send as X-Purpose.", examples=["assistance_planning"])
    name: str = Field(examples=["Hilfeplanung"])
    legal_basis: str = Field(examples=["SGB VIII § 36"])
    default: bool = Field(description="Applies to a read that names no purpose.")


@router.get("/purposes", response_model=list[PurposeOut],
            summary="The purposes your role may read personal and case data for")
async def list_purposes(request: Request,
                        principal: Annotated[Principal, Depends(current_principal)],
                        ) -> list[PurposeOut]:
    purposes: Purposes = request.app.state.purposes
    default = purposes.default_for(principal.role)
    return [PurposeOut(key=p.key, name=p.name, legal_basis=p.legal_basis, default=p.key == default)
            for p in purposes.for_role(principal.role)]
