"""What every route depends on: the application, and who calls for what purpose."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from services.cases.application import Caller, Cases
from shared.auth import Principal, Role, current_principal
from shared.problems import Forbidden

Purpose = Annotated[str | None, Header(
    max_length=200, description="Why you read this (for the access log); a default per role "
                                "otherwise.", examples=["Hilfeplangespräch"])]


async def application(request: Request) -> Cases:
    app: Cases = request.app.state.application
    return app


def caller_as(*roles: Role, on: str | None = None) -> Callable[..., Awaitable[Caller]]:
    """The caller, if their role is one of `roles`; a refusal about a case or client is logged."""

    async def dependency(request: Request,
                         principal: Annotated[Principal, Depends(current_principal)],
                         x_purpose: Purpose = None) -> Caller:
        caller = Caller.of(principal, x_purpose)
        if principal.role not in roles:
            if on is not None:
                cases: Cases = request.app.state.application
                await run_in_threadpool(cases.role_refused, caller, on,
                                        str(request.path_params.get(f"{on}_id", "*")))
            raise Forbidden(f"The role {principal.role.value} may not do this.")
        return caller

    return dependency


App = Annotated[Cases, Depends(application)]
CaseReader = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, Role.AUDITOR, on="case"))]
CaseWorker = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, on="case"))]
ClientReader = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, Role.AUDITOR,
                                                   on="client"))]
ClientWorker = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, on="client"))]
DataProtectionOfficer = Annotated[Caller, Depends(caller_as(Role.DATA_PROTECTION_OFFICER,
                                                            on="client"))]
Auditor = Annotated[Caller, Depends(caller_as(Role.AUDITOR))]
