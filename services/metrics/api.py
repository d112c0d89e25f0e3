"""HTTP routes of the metrics service: the catalog and indicator values."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from services.metrics.catalog import CATALOG, IndicatorDefinition
from services.metrics.indicators import (
    UnknownDimension,
    active_cases,
    cell_json,
    input_positions,
)
from shared.auth import Principal, Role, require
from shared.problems import NotFound, Problem

router = APIRouter(tags=["indicators"])

_AGGREGATE_READERS = (Role.CASEWORKER, Role.CONTRACT_MANAGER, Role.AUDITOR)


class IndicatorOut(BaseModel):
    """An indicator definition from the catalog."""

    id: str
    version: int
    title_de: str
    title_en: str
    level: str
    unit: str
    numerator: str
    denominator: str | None
    dimensions: list[str]
    direction: str
    disclosure_threshold: int
    definition_hash: str

    @classmethod
    def of(cls, definition: IndicatorDefinition) -> IndicatorOut:
        return cls(**{**definition.__dict__, "dimensions": list(definition.dimensions),
                      "definition_hash": definition.definition_hash})


class IndicatorValues(BaseModel):
    """Values of one indicator, one cell per combination of dimension values."""

    indicator: str
    version: int
    definition_hash: str
    by: list[str]
    cells: list[dict[str, Any]] = Field(
        examples=[[{"field_of_action": "jugend", "value": 12.0, "numerator": 12,
                    "denominator": None, "persons": 11, "suppressed": False}]]
    )
    input_positions: dict[str, dict[str, int]] = Field(
        description="Per topic and partition, the last offset applied."
    )


def pool(request: Request) -> asyncpg.Pool:
    facts: asyncpg.Pool = request.app.state.pool
    return facts


@router.get("/indicators", response_model=list[IndicatorOut], summary="The indicator catalog")
async def list_indicators(
    principal: Annotated[Principal, Depends(require(*_AGGREGATE_READERS, Role.PROVIDER))],
) -> list[IndicatorOut]:
    return [IndicatorOut.of(definition) for definition in CATALOG.values()]


@router.get("/indicators/{indicator_id}", response_model=IndicatorValues,
            summary="Values of one indicator")
async def read_indicator(
    indicator_id: str,
    request: Request,
    principal: Annotated[Principal, Depends(require(*_AGGREGATE_READERS))],
    facts: Annotated[asyncpg.Pool, Depends(pool)],
    by: Annotated[str, Query(description="Comma-separated dimensions.",
                             examples=["field_of_action,district"])] = "",
) -> IndicatorValues:
    definition = CATALOG.get(indicator_id)
    if definition is None:
        raise NotFound(f"No indicator {indicator_id}.")
    dimensions = [name.strip() for name in by.split(",") if name.strip()]
    threshold = request.app.state.disclosure_threshold
    try:
        cells = await active_cases(facts, definition, dimensions, threshold)
    except UnknownDimension as error:
        raise Problem(str(error), status=422, title="Unknown dimension") from error
    return IndicatorValues(
        indicator=definition.id, version=definition.version,
        definition_hash=definition.definition_hash, by=dimensions,
        cells=[cell_json(cell) for cell in cells],
        input_positions=await input_positions(facts),
    )
