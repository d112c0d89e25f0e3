"""What the metrics routes depend on: the facts' connections, the application, the running
verifications, and who calls in which role."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from services.metrics.application import Indicators
from services.metrics.verifications import Verifications
from shared.auth import Principal, Role, require


async def pool(request: Request) -> asyncpg.Pool:
    facts: asyncpg.Pool = request.app.state.pool
    return facts


async def indicators(request: Request) -> Indicators:
    application: Indicators = request.app.state.indicators
    return application


def verifications(request: Request) -> Verifications:
    running: Verifications = request.app.state.verifications
    return running


Running = Annotated[Verifications, Depends(verifications)]
Manager = Annotated[Principal, Depends(require(Role.CONTRACT_MANAGER))]
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
