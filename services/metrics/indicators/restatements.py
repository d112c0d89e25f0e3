"""How an indicator's value for a period changed as later events arrived (restatements).

The value first known is the answer as of the period's close (midnight UTC after
its last day), or as of the first moment anything was known at all, if that is
later. After it, the candidate moments are the distinct `recorded_at` of fact
rows recorded later that can change a value for the period (see `moments`); the
indicator is counted in PostgreSQL as of each (`engine.answer`, as the values
endpoint counts it), and a moment whose cells differ from the moment before is
a restatement, naming the events recorded then. At most `limit` moments are
examined; the answer says how many more there were.

`restatements` takes a connection, so the API and the auditor's report call it
alike. It names every event; which of them a reader may see is the caller's
decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.engine import Question, answer
from services.metrics.indicators.moments import Moment, moments
from shared.projection import Connection

DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class ChangedCell:
    """One cell before and after a moment (None: the cell did not exist then)."""

    dimensions: dict[str, str]
    before: Cell | None
    after: Cell | None


@dataclass(frozen=True)
class Restatement:
    """The cells one moment changed, and what was recorded at that moment."""

    moment: Moment
    changes: list[ChangedCell]


@dataclass
class Restatements:
    """The value first known for a period, then each change to it."""

    first_known_at: datetime
    first_known: list[Cell]
    restatements: list[Restatement] = field(default_factory=list)
    examined: int = 0  # candidate moments evaluated
    left: int = 0  # candidate moments beyond the limit, not evaluated


def closing_of(question: Question) -> datetime:
    """When the period closes: midnight (UTC) after its last day."""
    return datetime.combine(question.period.end + timedelta(days=1), time(0), UTC)


async def restatements(connection: Connection, definition: IndicatorDefinition,
                       question: Question, threshold: int,
                       limit: int = DEFAULT_LIMIT) -> Restatements:
    """The restatements of an indicator for `question.period`, as known at `question.as_of`.

    Run it inside one repeatable-read transaction so every moment sees the same
    facts. Raises UnknownDimension like `engine.answer`.
    """
    start = closing_of(question)
    first = await _first_recorded(connection)
    if first is not None and first > start:
        start = first  # nothing was known when the period closed
    if question.as_of is not None:
        start = min(start, question.as_of)
    candidates = await moments(connection, definition, question, start)
    examined, left = candidates[:limit], len(candidates) - min(limit, len(candidates))
    before = await _cells(connection, definition, question, threshold, start)
    found = Restatements(start, before, examined=len(examined), left=left)
    for moment in examined:
        after = await _cells(connection, definition, question, threshold, moment.at)
        changes = _changes(before, after)
        if changes:
            found.restatements.append(Restatement(moment, changes))
        before = after
    return found


async def _cells(connection: Connection, definition: IndicatorDefinition, question: Question,
                 threshold: int, as_of: datetime) -> list[Cell]:
    """The cells as the values endpoint would have answered them at `as_of`."""
    return await answer(connection, definition, Question(
        question.period, question.by, question.grain, as_of, question.provider_id), threshold)


def as_published(found: Restatements, perturbation: CellKeyMethod | None,
                 definition: IndicatorDefinition, threshold: int) -> Restatements:
    """The restatements as a reader sees them: for any but the auditor, before and after
    perturbed alike (a cell keeps its noise while its persons stay the same); for everyone
    only the changes that show (other persons, same figures: no change to the reader)."""
    def seen(cell: Cell | None) -> Cell | None:
        if cell is None or perturbation is None:
            return cell
        return perturbation.cell(cell, definition, threshold)

    first = found.first_known if perturbation is None else \
        perturbation.perturbed(found.first_known, definition, threshold)
    shown = Restatements(found.first_known_at, first, examined=found.examined,
                         left=found.left)
    for restatement in found.restatements:
        changes = [ChangedCell(change.dimensions, seen(change.before), seen(change.after))
                   for change in restatement.changes]
        visible = [change for change in changes if _published(change.before)
                   != _published(change.after)]
        if visible:
            shown.restatements.append(Restatement(restatement.moment, visible))
    return shown


def _published(cell: Cell | None) -> dict[str, Any] | None:
    return None if cell is None else cell.as_json()


def _changes(before: Sequence[Cell], after: Sequence[Cell]) -> list[ChangedCell]:
    old = {tuple(cell.dimensions.items()): cell for cell in before}
    new = {tuple(cell.dimensions.items()): cell for cell in after}
    return [ChangedCell(dict(key), old.get(key), new.get(key))
            for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]


async def _first_recorded(connection: Connection) -> datetime | None:
    first: datetime | None = await connection.fetchval(
        "SELECT min(first) FROM (SELECT min(recorded_at) AS first FROM case_opened "
        "UNION ALL SELECT min(recorded_at) FROM agreement_facts "
        "UNION ALL SELECT min(recorded_at) FROM report_facts) AS known")
    return first


