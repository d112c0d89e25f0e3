"""The evidence behind each indicator value: its manifest and its restatements.

Both come from the metrics service's application (`Indicators`), so the report
states what the API would: the manifest of the answer (with the result hash
`wirkung audit verify-indicator` checks) and the restatements, naming the
events that changed a value after the period closed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.metrics.application import (
    Cell,
    EventRef,
    IndicatorDefinition,
    Period,
    Question,
    closing_of,
)
from shared.report.model import Figures, Manifest, Restated, Restatement
from wirkung.report.facts import Facts

# Moments examined per indicator; the report says how many more there were.
MOMENTS_EXAMINED = 50
EVENTS_NAMED = 3  # per restatement; the rest are counted


async def attested_total(facts: Facts, definition: IndicatorDefinition,
                         period: Period) -> tuple[Cell | None, Manifest]:
    """The value of the whole period and the manifest of that answer."""
    attested = await facts.indicators.attested(facts.connection, definition,
                                               Question(period))
    total = attested.cells[0] if attested.cells else None
    return total, attested.manifest.model_dump(mode="json")


def period_closed_at(period: Period) -> datetime:
    """The moment a period ends: midnight (UTC) after its last day, as restatements count it."""
    return closing_of(Question(period))


async def restatements_of(facts: Facts, definition: IndicatorDefinition,
                          period: Period) -> Restated:
    """How the value of the whole period changed after it closed, and what changed it."""
    if period_closed_at(period) > datetime.now(UTC):
        return Restated(str(definition.id), None, None, [], 0, 0)
    found = await facts.indicators.restatements(facts.connection, definition,
                                                Question(period), limit=MOMENTS_EXAMINED)
    changes = [Restatement(str(definition.id), period.label, entry.moment.at,
                           figures(change.before), figures(change.after),
                           _named(entry.moment.events, entry.moment.population_imports))
               for entry in found.restatements for change in entry.changes]
    first = found.first_known[0] if found.first_known else None
    return Restated(str(definition.id), found.first_known_at, figures(first), changes,
                    found.examined, found.left)


def figures(cell: Cell | None) -> Figures | None:
    """A cell's figures as the report shows them."""
    return None if cell is None else Figures(cell.value, cell.numerator, cell.denominator,
                                             cell.persons, cell.suppressed)


def _named(events: list[EventRef], imports: list[str]) -> tuple[str, ...]:
    names = [f"{event.type.rsplit('.', 2)[-2]} {event.aggregate_id} v{event.version} "
             f"(id {event.id})" for event in events[:EVENTS_NAMED]]
    names += [f"population import: {source}" for source in imports]
    if len(events) > EVENTS_NAMED:
        names.append(f"+{len(events) - EVENTS_NAMED} more")
    return tuple(names)
