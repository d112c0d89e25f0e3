"""What every route depends on: the application, and who calls for what purpose."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from services.cases.application import Caller, Cases
from services.cases.purposes import Purposes
from shared.auth import Principal, Role, current_principal
from shared.openapi import for_roles
from shared.problems import Forbidden

Purpose = Annotated[str | None, Header(
    max_length=200, description="Why you read this: a purpose of your role from GET /purposes "
                                "(logged with every access); your role's first purpose "
                                "otherwise. Another purpose is refused (403).",
    examples=["assistance_planning"])]


async def application(request: Request) -> Cases:
    app: Cases = request.app.state.application
    return app


def caller_as(*roles: Role, on: str | None = None) -> Callable[..., Awaitable[Caller]]:
    """The caller, if their role is one of `roles`; a refusal about a case or client is logged."""

    @for_roles(*roles)
    async def dependency(request: Request,
                         principal: Annotated[Principal, Depends(current_principal)],
                         x_purpose: Purpose = None) -> Caller:
        purposes: Purposes = request.app.state.purposes
        caller = Caller(principal, x_purpose or purposes.default_for(principal.role)
                        or "unspecified")
        allowed = principal.role in roles
        if allowed and x_purpose is not None and not purposes.allows(x_purpose,
                                                                     principal.role):
            await _log_refusal(request, caller, on or "purpose")
            raise Forbidden(
                f"The purpose {x_purpose!r} is not one of the role {principal.role.value}'s: "
                + (", ".join(p.key for p in purposes.for_role(principal.role)) or "none")
                + " (GET /purposes).", rule="purpose_not_allowed")
        if not allowed:
            if on is not None:
                await _log_refusal(request, caller, on)
            raise Forbidden(f"The role {principal.role.value} may not do this.")
        return caller

    return dependency


async def _log_refusal(request: Request, caller: Caller, on: str) -> None:
    cases: Cases = request.app.state.application
    await run_in_threadpool(cases.role_refused, caller, on,
                            str(request.path_params.get(f"{on}_id", "*")))


App = Annotated[Cases, Depends(application)]
CaseReader = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, Role.AUDITOR, on="case"))]
CaseWorker = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, on="case"))]
ClientReader = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, Role.AUDITOR,
                                                   on="client"))]
ClientWorker = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, on="client"))]
ClientFinder = Annotated[Caller, Depends(caller_as(Role.CASEWORKER, Role.DATA_PROTECTION_OFFICER,
                                                   on="client"))]
DataProtectionOfficer = Annotated[Caller, Depends(caller_as(Role.DATA_PROTECTION_OFFICER,
                                                            on="client"))]
Auditor = Annotated[Caller, Depends(caller_as(Role.AUDITOR))]
LogReader = Annotated[Caller, Depends(caller_as(Role.AUDITOR, Role.DATA_PROTECTION_OFFICER))]
