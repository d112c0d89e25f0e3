"""Indicators(...): the one way to an indicator's cells, whoever asks.

The values endpoint, its restatements, the gauges, the manifests, the
verification by replay and the auditor's report (`wirkung audit report`) all
answer through this class, so they state the same figures: every indicator is
counted in PostgreSQL (`indicators.case_sql`, `indicators.agreement_sql`,
with the rules of `shared.gas` and `shared.closures` as query parameters).
Each method takes the connection to read on, so the caller decides the
transaction (one repeatable-read snapshot for a whole report).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import asyncpg

from services.metrics.application.main_figures import MAIN_INDICATORS, MainFigure
from services.metrics.catalog import CATALOG, IndicatorDefinition
from services.metrics.facts.projection import parse, project_batch
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.engine import Question, answer, today_of
from services.metrics.indicators.inhabitants import Inhabitants
from services.metrics.indicators.manifest import Attested, attested_answer
from services.metrics.indicators.restatements import (
    DEFAULT_LIMIT,
    Restatements,
    as_published,
    restatements,
)
from services.metrics.migrations import prepare_database
from services.metrics.periods import parse_period
from services.metrics.population import import_population, rows_from_csv
from services.metrics.rebuild import Rebuilt, rebuild
from services.metrics.replay import Progress
from services.metrics.settings import MetricsSettings
from services.metrics.verification import Verdict, verify_answer
from shared.clock import Clock, SystemClock
from shared.envelope import Envelope
from shared.projection import Connection
from shared.topics import Topics


@dataclass(frozen=True)
class Indicators:
    """Impact indicators (Wirkungskennzahlen) of the catalog, counted from the facts.

    `threshold`: the disclosure threshold; cells of fewer persons are withheld.
    `perturbation`: the cell-key method; with `perturbed=True` the figures are those any
    reader but the auditor sees (indicators that count persons only), so that no withheld
    cell can be recovered by differencing. Without it, asking for perturbed figures is an
    error: an installation never publishes exact figures by mistake.
    """

    threshold: int
    perturbation: CellKeyMethod | None = None
    # What year it is when a question names no period (the system's clock, fixed in tests).
    clock: Clock = field(default_factory=SystemClock)

    def this_year(self) -> str:
        """The period a question means when it names none: the current year (in UTC)."""
        return str(self.clock.now().year)

    def _method(self, definition: IndicatorDefinition, perturbed: bool) -> CellKeyMethod | None:
        if not perturbed or not definition.counts_persons:
            return None
        if self.perturbation is None:
            raise ValueError("perturbed figures asked for without a cell-key method")
        return self.perturbation

    def _threshold(self, definition: IndicatorDefinition) -> int:
        return self.threshold if definition.counts_persons else 0

    async def project(self, connection: Connection, envelopes: Sequence[Envelope]) -> None:
        """Count integration events into the facts and the units kept beside them, in the
        caller's transaction, as the consumer does with a batch. The events come in order
        and each once: the consumer tracks versions and positions, this does not. Raises
        for an event of an unknown type or with invalid data."""
        await project_batch(connection, [(envelope, parse(envelope)) for envelope in envelopes])

    async def cells(self, connection: Connection, definition: IndicatorDefinition,
                    question: Question, *, perturbed: bool = False, today: date | None = None,
                    inhabitants: Inhabitants | None = None,
                    from_facts: bool = False) -> list[Cell]:
        """The cells of an indicator (raises UnknownDimension for a dimension it lacks);
        `from_facts`: derived from the facts even where the units kept beside them would
        answer (the same cells, more slowly: to compare the two)."""
        if today is None:
            today = today_of(question.as_of, self.clock.now())
        cells = await answer(connection, definition, question, self.threshold, today=today,
                             inhabitants=inhabitants, kept=not from_facts)
        method = self._method(definition, perturbed)
        if method is None:
            return cells
        return method.perturbed(cells, definition, self._threshold(definition))

    async def main_figures(self, connection: Connection,
                           year: int | None = None) -> list[MainFigure]:
        """This year's (or `year`'s) main indicators by field of action and by district, as
        any reader but the auditor sees them: perturbed, withheld cells left out."""
        period = parse_period(str(year) if year else self.this_year())
        figures = []
        for dimension, indicators in MAIN_INDICATORS.items():
            for indicator in indicators:
                for cell in await self.cells(connection, CATALOG[indicator],
                                             Question(period, (dimension,)), perturbed=True):
                    if not cell.suppressed and cell.value is not None:
                        figures.append(MainFigure(dimension, indicator,
                                                  cell.dimensions[dimension], cell.value))
        return figures

    async def attested(self, connection: Connection, definition: IndicatorDefinition,
                       question: Question, *, perturbed: bool = False) -> Attested:
        """The cells and the manifest that lets a replay compute them again."""
        return await attested_answer(connection, definition, question, self.threshold,
                                     self._method(definition, perturbed), now=self.clock.now())

    async def restatements(self, connection: Connection, definition: IndicatorDefinition,
                           question: Question, limit: int = DEFAULT_LIMIT, *,
                           perturbed: bool = False) -> Restatements:
        """How the values for the question's period changed after it closed, as the reader
        sees them: only changes that show (run it in one repeatable-read transaction)."""
        found = await restatements(connection, definition, question, self.threshold, limit)
        return as_published(found, self._method(definition, perturbed), definition,
                            self._threshold(definition))

    async def verify(self, document: object, *, database_url: str, bootstrap_servers: str,
                     topics: Topics, progress: Progress | None = None) -> Verdict:
        """Replay the topics up to a saved answer's input positions into a scratch schema,
        compute the answer again (perturbed again if it was) and compare (raises
        BadManifest for a bad document)."""
        return await verify_answer(document, database_url=database_url,
                                   bootstrap_servers=bootstrap_servers, topics=topics,
                                   progress=progress, perturbation=self.perturbation)

    # What the facts are counted from: rebuilt from the topics, and the reference population.

    async def rebuild(self, settings: MetricsSettings,
                      progress: Progress | None = None) -> Rebuilt:
        """Replay both topics from offset zero into fresh facts and swap them in once caught
        up (raises RebuildRunning while another rebuild runs, HistoryIncomplete when a topic
        lost events, DatabaseNewerThanCode)."""
        return await rebuild(settings, progress)

    async def import_population(self, database_url: str, text: str, *, source: str,
                                imported_by: str) -> int:
        """Import reference population figures from CSV text (columns district, age_band,
        year, population) in one transaction, the tables first brought up to this code's
        version; how many rows (raises InvalidPopulation naming every error in the text,
        DatabaseNewerThanCode)."""
        rows = rows_from_csv(text)
        await asyncio.to_thread(prepare_database, database_url)
        connection = await asyncpg.connect(database_url)
        try:
            return await import_population(connection, rows, source=source,
                                           imported_by=imported_by)
        finally:
            await connection.close()
