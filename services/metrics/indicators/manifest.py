"""The manifest of an indicator answer: everything needed to compute the same cells again.

It names the definition (and its hash), the whole question, the day counted
as today, the disclosure threshold, the last offset applied per topic and
partition, the reference population used, how the figures were perturbed
(cell-key method, see `disclosure`) if they were, and a hash of the cells. An
auditor replays the topics up to those offsets into a scratch schema,
recomputes, and compares hashes (`services.metrics.verification`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.metrics.catalog import IndicatorDefinition, Level
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.disclosure import METHOD, CellKeyMethod
from services.metrics.indicators.engine import Question, answer, input_positions, today_of
from services.metrics.indicators.inhabitants import Inhabitants
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.periods import Grain, parse_period
from shared.projection import Connection


class ManifestQuestion(BaseModel):
    """The question answered: period, dimensions, grain, time of knowledge, provider scope."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(examples=["2026-Q1"])
    by: list[str] = Field(examples=[["district"]])
    grain: Grain | None = Field(description="Size of the periods when by names period.")
    as_of: datetime | None = Field(description="Facts recorded up to this time; null: all "
                                   "applied at the input positions.")
    provider_id: str | None = Field(description="The provider a provider's answer is limited "
                                    "to; null: all providers.")

    @classmethod
    def of(cls, question: Question) -> ManifestQuestion:
        return cls(period=question.period.label, by=list(question.by), grain=question.grain,
                   as_of=question.as_of, provider_id=question.provider_id)

    def question(self) -> Question:
        return Question(parse_period(self.period), tuple(self.by), self.grain, self.as_of,
                        self.provider_id)


class PopulationPin(BaseModel):
    """The reference population used: imports up to a time (append-only), and their hash."""

    model_config = ConfigDict(extra="forbid")

    imported_until: datetime | None = Field(
        description="The latest import time included; null: none was imported.")
    rows: int = Field(description="District, age band and year figures used.")
    hash: str = Field(description="sha256 over the canonical JSON of the figures used.")


class PerturbationPin(BaseModel):
    """How the published figures were perturbed (cell-key method), so a replay can do it again."""

    model_config = ConfigDict(extra="forbid")

    method: str = Field(examples=["cell-key"])
    table: str = Field(description="The perturbation table's parameters.")
    secret: str = Field(description="Fingerprint of the installation's cell-key secret "
                        "(not the secret): a verifier must hold the same.")

    @classmethod
    def of(cls, method: CellKeyMethod) -> PerturbationPin:
        return cls(method=METHOD, table=method.table.describe(), secret=method.fingerprint)


class Manifest(BaseModel):
    """What an answer was computed from, so that a replay can compute it again."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "indicator": "active_cases", "version": 1,
        "definition_hash": "sha256:5f0c…", "question": {
            "period": "2026-Q1", "by": ["district"], "grain": None, "as_of": None,
            "provider_id": None},
        "evaluated_on": "2026-05-04", "answered_at": "2026-05-04T09:12:03.512+00:00",
        "disclosure_threshold": 5,
        "input_positions": {"wirkung.agreements.events": {"0": 41, "1": 17},
                            "wirkung.cases.events": {"0": 1033, "2": 988}},
        "reference_population": None, "perturbation": None,
        "result_hash": "sha256:9a1e…"}]})

    indicator: str
    version: int
    definition_hash: str = Field(description="Hash of the indicator definition used.")
    question: ManifestQuestion
    evaluated_on: date = Field(description="The day counted as today (ends open cases and "
                               "spans): the day of as_of, else the day of the answer.")
    answered_at: datetime
    disclosure_threshold: int = Field(description="Cells of fewer persons were withheld.")
    input_positions: dict[str, dict[str, int]] = Field(
        description="Per topic and partition, the last offset applied; a replay applies "
                    "exactly the events up to these.")
    reference_population: PopulationPin | None = Field(
        description="For society indicators, the reference population used; null otherwise.")
    perturbation: PerturbationPin | None = Field(
        default=None, description="How the figures were perturbed for a reader other than "
        "the auditor (cell-key method); null: exact figures.")
    result_hash: str = Field(description="sha256 over the canonical JSON of the cells.")


@dataclass(frozen=True)
class Attested:
    """An answer's cells and its manifest."""

    cells: list[Cell]
    manifest: Manifest


async def attested_answer(connection: Connection, definition: IndicatorDefinition,
                          question: Question, threshold: int,
                          perturbation: CellKeyMethod | None = None, *,
                          now: datetime) -> Attested:
    """The cells of an indicator and their manifest, read in one repeatable-read snapshot.

    Inside a transaction already (the caller's), that one is used; it must be a
    repeatable-read one, or the cells and the positions may disagree. With a
    `perturbation`, the cells are those a reader other than the auditor sees, and the
    manifest says so (and hashes them). `now` is the moment it is answered (the day of
    the question's as_of, or of `now`, is the day up to which reports fall due).
    """
    threshold = threshold if definition.counts_persons else 0
    async with _snapshot(connection):
        pin: PopulationPin | None = None
        inhabitants: Inhabitants = {}
        if definition.level is Level.SOCIETY:
            pin, inhabitants = await _population(connection, await _imported_until(
                connection, question.as_of))
        today = today_of(question.as_of, now)
        cells = await _cells(connection, definition, question, threshold, today, inhabitants)
        positions = await input_positions(connection)
    if perturbation is not None:
        cells = perturbation.perturbed(cells, definition, threshold)
    return Attested(cells, Manifest(
        indicator=str(definition.id), version=definition.version,
        definition_hash=definition.definition_hash, question=ManifestQuestion.of(question),
        evaluated_on=today, answered_at=now, disclosure_threshold=threshold,
        input_positions=positions, reference_population=pin,
        perturbation=None if perturbation is None else PerturbationPin.of(perturbation),
        result_hash=result_hash([cell.as_json() for cell in cells])))


class OtherPerturbation(ValueError):
    """A manifest of figures perturbed with another secret or table than the one at hand."""


def check_perturbation(manifest: Manifest, perturbation: CellKeyMethod | None) -> None:
    """Raise OtherPerturbation unless `perturbation` can perturb as the manifest says."""
    if manifest.perturbation is not None and (
            perturbation is None or PerturbationPin.of(perturbation) != manifest.perturbation):
        raise OtherPerturbation(
            "the answer's figures were perturbed (cell-key method) with "
            f"{manifest.perturbation.secret} and the table {manifest.perturbation.table}; "
            + ("no cell-key secret is at hand (WIRKUNG_METRICS_CELL_KEY_SECRET)"
               if perturbation is None else
               f"the secret at hand is {perturbation.fingerprint} with the table "
               f"{perturbation.table.describe()}"))


async def recompute(connection: Connection, definition: IndicatorDefinition,
                    manifest: Manifest, perturbation: CellKeyMethod | None = None,
                    ) -> tuple[list[Cell], PopulationPin | None]:
    """The cells a manifest describes, computed again from the facts `connection` sees
    (and perturbed again with `perturbation` if the manifest says they were)."""
    check_perturbation(manifest, perturbation)
    pin: PopulationPin | None = None
    inhabitants: Inhabitants = {}
    if manifest.reference_population is not None:
        pin, inhabitants = await _population(connection,
                                             manifest.reference_population.imported_until)
    cells = await _cells(connection, definition, manifest.question.question(),
                         manifest.disclosure_threshold, manifest.evaluated_on, inhabitants)
    if manifest.perturbation is not None and perturbation is not None:
        cells = perturbation.perturbed(cells, definition, manifest.disclosure_threshold)
    return cells, pin


def result_hash(cells: Sequence[Mapping[str, Any]]) -> str:
    """sha256 over the canonical JSON of the cells, in their order."""
    return _hash([{key: canonical(value) for key, value in cell.items()} for cell in cells])


def canonical(value: Any) -> Any:
    """A cell's value as hashed: a whole number as an integer (12.0 and 12 are one figure)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


async def _cells(connection: Connection, definition: IndicatorDefinition, question: Question,
                 threshold: int, today: date, inhabitants: Inhabitants) -> list[Cell]:
    return await answer(connection, definition, question, threshold, today=today,
                        inhabitants=inhabitants)


async def _imported_until(connection: Connection, as_of: datetime | None) -> datetime | None:
    latest: datetime | None = await connection.fetchval(
        "SELECT max(imported_at) FROM reference.population "
        "WHERE $1::timestamptz IS NULL OR imported_at <= $1", as_of)
    return latest


async def _population(connection: Connection, imported_until: datetime | None,
                      ) -> tuple[PopulationPin, Inhabitants]:
    """The figures imported up to `imported_until` (none if None), and their pin."""
    inhabitants: Inhabitants = {}
    if imported_until is not None:
        inhabitants = await Knowledge(connection, imported_until).population()
    figures = sorted([district, age_band, year, count]
                     for (district, age_band), by_year in inhabitants.items()
                     for year, count in by_year.items())
    return PopulationPin(imported_until=imported_until, rows=len(figures),
                         hash=_hash(figures)), inhabitants


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@asynccontextmanager
async def _snapshot(connection: Connection) -> AsyncIterator[None]:
    if connection.is_in_transaction():
        yield
        return
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        yield
