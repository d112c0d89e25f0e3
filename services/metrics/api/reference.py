"""HTTP route of the reference population (contract managers import it)."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends

from services.metrics.api.indicators import pool
from services.metrics.api.models import PopulationImport, PopulationImported
from services.metrics.population import PopulationRow, import_population
from shared.auth import Principal, Role, require

router = APIRouter(tags=["reference data"])


@router.post("/reference/population", response_model=PopulationImported, status_code=201,
             summary="Import reference population figures with their source")
async def post_population(
    body: PopulationImport,
    principal: Annotated[Principal, Depends(require(Role.CONTRACT_MANAGER))],
    facts: Annotated[asyncpg.Pool, Depends(pool)],
) -> PopulationImported:
    rows = [PopulationRow(r.district, r.age_band, r.year, r.population) for r in body.rows]
    async with facts.acquire() as connection:
        imported = await import_population(connection, rows, source=body.source,
                                           imported_by=principal.subject)
    return PopulationImported(imported=imported, source=body.source)
