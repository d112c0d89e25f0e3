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

from dataclasses import dataclass
from datetime import date

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, answer
from services.metrics.indicators.inhabitants import Inhabitants
from services.metrics.indicators.manifest import Attested, attested_answer
from services.metrics.indicators.restatements import DEFAULT_LIMIT, Restatements, restatements
from services.metrics.replay import Progress
from services.metrics.verification import Verdict, verify_answer
from shared.projection import Connection
from shared.topics import Topics


@dataclass(frozen=True)
class Indicators:
    """Impact indicators (Wirkungskennzahlen) of the catalog, counted from the facts.

    `threshold`: the disclosure threshold; cells of fewer persons are withheld.
    """

    threshold: int

    async def cells(self, connection: Connection, definition: IndicatorDefinition,
                    question: Question, *, today: date | None = None,
                    inhabitants: Inhabitants | None = None) -> list[Cell]:
        """The cells of an indicator (raises UnknownDimension for a dimension it lacks)."""
        return await answer(connection, definition, question, self.threshold, today=today,
                            inhabitants=inhabitants)

    async def attested(self, connection: Connection, definition: IndicatorDefinition,
                       question: Question) -> Attested:
        """The cells and the manifest that lets a replay compute them again."""
        return await attested_answer(connection, definition, question, self.threshold)

    async def restatements(self, connection: Connection, definition: IndicatorDefinition,
                           question: Question, limit: int = DEFAULT_LIMIT) -> Restatements:
        """How the values for the question's period changed after it closed (run it in one
        repeatable-read transaction)."""
        return await restatements(connection, definition, question, self.threshold, limit)

    @staticmethod
    async def verify(document: object, *, database_url: str, bootstrap_servers: str,
                     topics: Topics, progress: Progress | None = None) -> Verdict:
        """Replay the topics up to a saved answer's input positions into a scratch schema,
        compute the answer again and compare (raises BadManifest for a bad document)."""
        return await verify_answer(document, database_url=database_url,
                                   bootstrap_servers=bootstrap_servers, topics=topics,
                                   progress=progress)
