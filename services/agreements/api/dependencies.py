"""What every route depends on: the application, and who calls in which role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response

from services.agreements.application import PURPOSE, Agreements
from shared.auth import Principal, Role, current_principal, require
from shared.http import etag
from shared.openapi import for_roles
from shared.principals import Caller


async def application(request: Request) -> Agreements:
    agreements: Agreements = request.app.state.application
    return agreements


def caller_as(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """The caller, if their role is one of `roles` (403 otherwise)."""
    check = require(*roles)

    @for_roles(*roles)
    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Caller:
        return Caller(await check(principal), PURPOSE)

    return dependency


App = Annotated[Agreements, Depends(application)]
Manager = Annotated[Caller, Depends(caller_as(Role.CONTRACT_MANAGER))]
Reader = Annotated[Caller, Depends(caller_as(Role.CONTRACT_MANAGER, Role.AUDITOR, Role.PROVIDER))]
ProviderRole = Annotated[Caller, Depends(caller_as(Role.PROVIDER))]
LogReader = Annotated[Caller, Depends(caller_as(Role.AUDITOR, Role.DATA_PROTECTION_OFFICER))]


def versioned(response: Response, version: int, location: str | None = None) -> None:
    response.headers["ETag"] = etag(version)
    if location:
        response.headers["Location"] = location
