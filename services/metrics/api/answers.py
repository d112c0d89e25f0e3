"""What the metrics API answers."""

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


class FiguresOut(BaseModel):
    """A cell's figures."""

    value: float | None = Field(description="The indicator's value; null when withheld or "
                                "when there is nothing to divide by.")
    numerator: float | None
    denominator: float | None
    persons: int | None = Field(description="Distinct persons counted (for indicators about "
                                "persons); null when withheld or not about persons.")
    suppressed: bool = Field(description="Withheld: fewer persons than the disclosure "
                             "threshold. Its figures are null.")


class CellOut(FiguresOut):
    """One cell: the value of each dimension asked for (`by`), each a property named after its
    dimension (`field_of_action`, `district`, `period`, ...), and the cell's figures."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "field_of_action": "jugend", "value": 0.62, "numerator": 31.0, "denominator": 50.0,
        "persons": 48, "suppressed": False}]})
    __pydantic_extra__: dict[str, str] = Field(init=False)  # the dimensions' values


class IndicatorValues(BaseModel):
    """Values of one indicator, one cell per combination of dimension values."""

    indicator: str
    version: int
    definition_hash: str
    period: str
    by: list[str]
    as_of: str | None = Field(description="Facts recorded up to this time; null: all so far.")
    disclosure_threshold: int = Field(description="Cells of fewer persons are withheld.")
    perturbed: bool = Field(
        default=False, description="The figures about persons are slightly changed "
        "(cell-key method, see the manifest's perturbation) so that no withheld cell can be "
        "recovered by differencing; false: exact figures (the auditor's).")
    cells: list[CellOut]
    input_positions: dict[str, dict[str, int]] = Field(
        description="Per topic and partition, the last offset applied."
    )
    manifest: Manifest = Field(
        description="What the cells were computed from, and their hash: save the whole "
                    "answer and `wirkung audit verify-indicator` computes it again by replay."
    )


class PopulationImported(BaseModel):
    imported: int
    source: str


class EventOut(BaseModel):
    """A recorded event that may have changed the values, named as on the topic."""

    id: str = Field(description="CloudEvents id (ce_id).",
                    examples=["0b5e3c7a-9a56-5d3e-8d0b-3f1a2c4d5e6f"])
    type: str = Field(examples=["de.wirkung.agreements.ProviderReportResubmitted.v1"])
    aggregate_id: str = Field(description="ce_subject: the report, agreement or case.",
                              examples=["5f0c2b9e-3d1a-4c8e-9b7f-2a6d4e8c1f03"])
    version: int = Field(description="The aggregate's version (ce_aggregateversion).",
                         examples=[3])


_CELL = {"value": 1.0, "numerator": 2.0, "denominator": 2.0, "persons": 9,
         "suppressed": False}


class CellChangeOut(BaseModel):
    """One cell before and after a restatement."""

    dimensions: dict[str, str] = Field(examples=[{"agreement":
                                                  "8d3f6a2e-1b4c-4e5d-9a7f-0c2b3d4e5f61"}])
    before: FiguresOut | None = Field(
        description="The cell before; null: it did not exist yet.",
        examples=[{**_CELL, "value": 0.0, "numerator": 0.0, "denominator": 1.0}])
    after: FiguresOut | None = Field(
        description="The cell after; null: it no longer exists (a rejected report).",
        examples=[_CELL])


class RestatementOut(BaseModel):
    """The cells that changed at one moment, and the events recorded at that moment."""

    recorded_at: str = Field(examples=["2026-05-12T09:14:03.512000+00:00"])
    changes: list[CellChangeOut]
    events: list[EventOut] = Field(description="Events recorded at that moment that concern "
                                   "the period and that the reader may see.")
    withheld_events: int = Field(description="Such events the reader may not see (another "
                                 "provider's, or cases of other teams).", examples=[0])
    population_imports: list[str] = Field(description="Sources of reference population "
                                          "imported at that moment.", examples=[[]])


class RestatementsOut(BaseModel):
    """How one indicator's values for a period changed after the period closed."""

    indicator: str
    version: int
    definition_hash: str
    period: str
    by: list[str]
    as_of: str | None = Field(description="Only what was recorded up to this time; null: "
                              "all so far.")
    disclosure_threshold: int = Field(description="Cells of fewer persons are withheld.")
    perturbed: bool = Field(
        default=False, description="The figures about persons are slightly changed "
        "(cell-key method), before and after alike; false: exact figures (the auditor's).")
    first_known_at: str = Field(
        description="When the period closed (midnight UTC after its last day), or the first "
                    "moment anything was recorded, if later.",
        examples=["2026-04-01T00:00:00+00:00"])
    first_known: list[CellOut] = Field(
        description="The cells as known at first_known_at.",
        examples=[[{"agreement": "8d3f6a2e-1b4c-4e5d-9a7f-0c2b3d4e5f61", **_CELL}]])
    restatements: list[RestatementOut]
    limit: int = Field(description="At most this many later moments are examined.",
                       examples=[100])
    moments_examined: int = Field(description="Later moments at which events concerning the "
                                  "period were recorded, examined in order.", examples=[5])
    moments_left: int = Field(description="Such moments after the last examined one, not "
                              "examined (ask again with a larger limit).",
                              examples=[0])


class CellDifferenceOut(BaseModel):
    """One cell as published and as recomputed."""

    dimensions: dict[str, str] = Field(examples=[{"district": "Nordstadt"}])
    published: dict[str, Any] | None = Field(description="The cell in the saved answer "
                                             "(as the file has it, however edited); "
                                             "null: the answer has no such cell.")
    recomputed: CellOut | None = Field(description="The cell the replay computed; "
                                              "null: the replay has no such cell.")


class VerdictOut(BaseModel):
    """What the replay found: the same cells or not, and which differ."""

    match: bool = Field(description="The replay computes exactly the published cells.")
    events_replayed: int
    result_hash: str = Field(description="The manifest's hash of the cells.")
    recomputed_hash: str = Field(description="The hash of the cells the replay computed.")
    published_cells_hash: str | None = Field(
        description="The hash of the answer's cells; null: only a manifest was sent.")
    reference_population_matches: bool
    differences: list[CellDifferenceOut]


class VerificationOut(BaseModel):
    """A verification by replay of a saved indicator answer: its progress, then its verdict."""

    id: str
    state: str = Field(description="queued, running, done (a verdict) or failed (no verdict: "
                       "see error).", examples=["running"])
    indicator: str
    version: int
    definition_hash: str
    result_hash: str
    period: str
    queued_at: str
    started_at: str | None
    finished_at: str | None
    ahead: int = Field(description="Verifications running or waiting before this one starts.")
    events_done: int = Field(description="Events replayed so far.")
    events_total: int | None = Field(description="Events to replay; null: not known yet.")
    verdict: VerdictOut | None
    error: str | None = Field(description="Why no verdict could be reached.")


class GoalStandingOut(BaseModel):
    """One impact goal in one period: what the reports say against the target."""

    period: str = Field(examples=["2026-Q1"])
    reports: int = Field(description="Reports whose reporting period ends in the period "
                         "(rejected ones not counted).", examples=[1])
    achieved: int = Field(examples=[4])
    measured: int = Field(examples=[5])
    value: float | None = Field(description="achieved / measured; null: nothing measured.",
                                examples=[0.8])
    met: bool | None = Field(description="Whether the value meets the goal's comparison with "
                             "its target; null: nothing measured.", examples=[True])


class ImpactGoalOut(BaseModel):
    """An impact goal (Wirkungsziel) of an agreement and its standing per period."""

    text: str = Field(examples=["70 % enden planmäßig"])
    indicator_id: str = Field(examples=["planned_closure_rate"])
    comparison: str = Field(examples=[">="])
    target_value: str = Field(examples=["0.7"])
    periods: list[GoalStandingOut]


class AgreementGoalsOut(BaseModel):
    """An agreement running in the period, with its impact goals."""

    agreement: str
    provider: str
    title: str
    term_start: str
    term_end: str
    goals: list[ImpactGoalOut]


class ImpactGoalsOut(BaseModel):
    """The impact goals of the agreements running in a period against their targets."""

    period: str
    grain: str | None = Field(description="Size of the periods of each goal; null: the "
                              "period as a whole.")
    as_of: str | None
    total: int = Field(description="Agreements running in the period (before paging).")
    agreements: list[AgreementGoalsOut]
