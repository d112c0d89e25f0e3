"""The evidence behind each indicator value: its manifest and its restatements.

Both come from the metrics service's own code, so the report states what the
API would: the manifest of `services.metrics.indicators.manifest` (with the
result hash `wirkung audit verify-indicator` checks) and the restatements of
`services.metrics.indicators.restatements`, naming the events that changed a
value after the period closed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question
from services.metrics.indicators.manifest import attested_answer
from services.metrics.indicators.moments import EventRef
from services.metrics.indicators.restatements import as_published, closing_of, restatements
from services.metrics.periods import Period
from wirkung.report.facts import Facts
from wirkung.report.model import Manifest, Restated, Restatement

# Moments examined per indicator; the report says how many more there were.
MOMENTS_EXAMINED = 50
EVENTS_NAMED = 3  # per restatement; the rest are counted


async def attested_total(facts: Facts, definition: IndicatorDefinition,
                         period: Period) -> tuple[Cell | None, Manifest]:
    """The value of the whole period and the manifest of that answer."""
    attested = await attested_answer(facts.connection, definition, Question(period),
                                     facts.threshold)
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
    found = await restatements(facts.connection, definition, Question(period),
                               facts.threshold, limit=MOMENTS_EXAMINED)
    # Exact figures, as the auditor reads them over the API: only changes that show.
    found = as_published(found, None, definition,
                         facts.threshold if definition.counts_persons else 0)
    changes = [Restatement(str(definition.id), period.label, entry.moment.at, change.before,
                           change.after, _named(entry.moment.events,
                                                entry.moment.population_imports))
               for entry in found.restatements for change in entry.changes]
    first = found.first_known[0] if found.first_known else None
    return Restated(str(definition.id), found.first_known_at, first, changes, found.examined,
                    found.left)


def _named(events: list[EventRef], imports: list[str]) -> tuple[str, ...]:
    names = [f"{event.type.rsplit('.', 2)[-2]} {event.aggregate_id} v{event.version} "
             f"(id {event.id})" for event in events[:EVENTS_NAMED]]
    names += [f"population import: {source}" for source in imports]
    if len(events) > EVENTS_NAMED:
        names.append(f"+{len(events) - EVENTS_NAMED} more")
    return tuple(names)
