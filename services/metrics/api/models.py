"""What the metrics API is sent: the reference population."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.numbers import Whole


class PopulationRowIn(BaseModel):
    """Inhabitants of one district and age band in one year."""

    model_config = ConfigDict(extra="forbid")

    district: str = Field(min_length=1, max_length=100, examples=["Nordstadt"])
    age_band: str = Field(min_length=1, max_length=20, examples=["14-17"])
    year: Whole = Field(ge=1900, le=2200, examples=[2026])
    population: Whole = Field(ge=0, le=100_000_000, examples=[1830])


class PopulationImport(BaseModel):
    """Reference population figures and where they come from."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=500,
                        examples=["Statistikstelle, Einwohnerregister 31.12.2025"])
    rows: list[PopulationRowIn] = Field(min_length=1, max_length=100_000)
