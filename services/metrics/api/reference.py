"""HTTP route of the reference population (contract managers import it)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query, Request

from services.metrics.api.answers import PopulationImported
from services.metrics.api.dependencies import Manager, pool
from services.metrics.api.models import PopulationImport
from services.metrics.population import LineError, PopulationRow, import_population, read_csv
from shared.problems import Problem

router = APIRouter(tags=["reference data"])
LARGEST_FILE = 20_000_000  # bytes: a city's population by district, age band and year is far less


@router.post("/reference/population", response_model=PopulationImported, status_code=201,
             summary="Import reference population figures with their source")
async def post_population(
    body: PopulationImport,
    principal: Manager,
    facts: Annotated[asyncpg.Pool, Depends(pool)],
) -> PopulationImported:
    rows = [PopulationRow(r.district, r.age_band, r.year, r.population) for r in body.rows]
    async with facts.acquire() as connection:
        imported = await import_population(connection, rows, source=body.source,
                                           imported_by=principal.subject)
    return PopulationImported(imported=imported, source=body.source)


@router.post(
    "/reference/population/csv", response_model=PopulationImported, status_code=201,
    summary="Import reference population figures from a CSV file",
    description="The body is the file (`text/csv`, UTF-8): a header line naming the columns "
                "district, age_band, year, population, separated by commas or semicolons, then "
                "one line per district, age band and year. Nothing is imported unless every "
                "line is valid; a 422 problem lists each refused line in `errors` as "
                "`{line, column, kind}` (kinds: missing_column, empty, not_a_whole_number, "
                "negative, year_out_of_range, too_long, no_rows, not_utf8, too_large).",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string"},
        "example": "district,age_band,year,population\nNordstadt,14-17,2026,1830\n"}}}})
async def post_population_csv(
    request: Request,
    principal: Manager,
    facts: Annotated[asyncpg.Pool, Depends(pool)],
    source: Annotated[str, Query(min_length=1, max_length=500,
                                 examples=["Statistikstelle, Einwohnerregister 31.12.2025"])],
) -> PopulationImported:
    content = await request.body()
    if len(content) > LARGEST_FILE:
        raise _refused([LineError(1, None, "too_large")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused([LineError(1, None, "not_utf8")]) from None
    rows, errors = read_csv(text)
    if errors:
        raise _refused(errors)
    async with facts.acquire() as connection:
        imported = await import_population(connection, rows, source=source,
                                           imported_by=principal.subject)
    return PopulationImported(imported=imported, source=source)


def _refused(errors: list[LineError]) -> Problem:
    return Problem("The population file has lines that cannot be imported.", status=422,
                   title="Invalid population file", rule="population_file_invalid",
                   extensions={"errors": [asdict(error) for error in errors[:500]],
                               "error_count": len(errors)})
