"""What the agreements routes share: roles, the application, the date."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from services.agreements.application import Agreements
from shared.auth import Principal, Role, require
from shared.http import etag

Manager = Annotated[Principal, Depends(require(Role.CONTRACT_MANAGER))]
Reader = Annotated[Principal, Depends(require(Role.CONTRACT_MANAGER, Role.AUDITOR,
                                              Role.PROVIDER))]
ProviderRole = Annotated[Principal, Depends(require(Role.PROVIDER))]


async def application(request: Request) -> Agreements:
    agreements: Agreements = request.app.state.application
    return agreements


App = Annotated[Agreements, Depends(application)]


def versioned(response: Response, version: int, location: str | None = None) -> None:
    response.headers["ETag"] = etag(version)
    if location:
        response.headers["Location"] = location
