"""Request and response bodies of the metrics API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.manifest import Manifest


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
    aggregation: str
    scale: int
    disclosure_threshold: int
    definition_hash: str

    @classmethod
    def of(cls, definition: IndicatorDefinition) -> IndicatorOut:
        return cls(**{**definition.__dict__, "id": str(definition.id),
                      "dimensions": list(definition.dimensions),
                      "definition_hash": definition.definition_hash})


class IndicatorValues(BaseModel):
    """Values of one indicator, one cell per combination of dimension values."""

    indicator: str
    version: int
    definition_hash: str
    period: str
    by: list[str]
    as_of: str | None = Field(description="Facts recorded up to this time; null: all so far.")
    disclosure_threshold: int = Field(description="Cells of fewer persons are withheld.")
    cells: list[dict[str, Any]] = Field(
        examples=[[{"field_of_action": "jugend", "value": 12.0, "numerator": 12,
                    "denominator": None, "persons": 11, "suppressed": False}]]
    )
    input_positions: dict[str, dict[str, int]] = Field(
        description="Per topic and partition, the last offset applied."
    )
    manifest: Manifest = Field(
        description="What the cells were computed from, and their hash: save the whole "
                    "answer and `wirkung audit verify-indicator` computes it again by replay."
    )


class PopulationRowIn(BaseModel):
    """Inhabitants of one district and age band in one year."""

    model_config = ConfigDict(extra="forbid")

    district: str = Field(min_length=1, max_length=100, examples=["Nordstadt"])
    age_band: str = Field(min_length=1, max_length=20, examples=["14-17"])
    year: int = Field(ge=1900, le=2200, examples=[2026])
    population: int = Field(ge=0, le=100_000_000, examples=[1830])


class PopulationImport(BaseModel):
    """Reference population figures and where they come from."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=500,
                        examples=["Statistikstelle, Einwohnerregister 31.12.2025"])
    rows: list[PopulationRowIn] = Field(min_length=1, max_length=100_000)


class PopulationImported(BaseModel):
    imported: int
    source: str
