"""History and time travel of an aggregate, for auditors and for `If-Match`.

Every stored event is shown as it was recorded: its type, version, the date
it happened (`occurred_on`), when it was recorded, who acted, and its data.
State "as of" a moment is the aggregate replayed up to the last event
recorded at or before that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from shared.errors import Conflict, Malformed, NotFound

_META = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor",
         "occurred_on"}


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded event of an aggregate."""

    type: str
    version: int
    occurred_on: date | None
    recorded_at: datetime
    actor: str | None
    data: dict[str, Any]


class StaleVersion(Conflict):
    title = "Stale version"
    rule = "expected_version"


def history(app: Application[Any], aggregate_id: UUID) -> list[HistoryEntry]:
    """Every event of the aggregate, oldest first; NotFound if there is none."""
    events: list[Any] = list(app.repository.event_store.get(aggregate_id))
    if not events:
        raise NotFound(f"No such object {aggregate_id}.")
    return [
        HistoryEntry(
            type=type(event).__qualname__,
            version=event.originator_version,
            occurred_on=getattr(event, "occurred_on", None),
            recorded_at=event.timestamp,
            actor=getattr(event, "actor", None),
            data={k: v for k, v in vars(event).items() if k not in _META},
        )
        for event in events
    ]


def version_as_of(app: Application[Any], aggregate_id: UUID, moment: datetime) -> int:
    """The aggregate's version at `moment`; NotFound if it did not exist yet."""
    versions = [entry.version for entry in history(app, aggregate_id)
                if entry.recorded_at <= moment]
    if not versions:
        raise NotFound(f"{aggregate_id} did not exist at {moment.isoformat()}.")
    return max(versions)


def load(app: Application[Any], aggregate_id: UUID, *, version: int | None = None,
         as_of: datetime | None = None, expected_version: int | None = None,
         what: str = "object") -> Any:
    """An aggregate, at a version or moment if asked; 404 if unknown, 409 if stale."""
    if version is not None and as_of is not None:
        raise Malformed("Ask for a version or a moment, not both.")
    if as_of is not None:
        version = version_as_of(app, aggregate_id, as_of)
    try:
        aggregate: Any = app.repository.get(aggregate_id, version=version)
    except AggregateNotFoundError as error:
        raise NotFound(f"No {what} {aggregate_id}.") from error
    if version is not None and aggregate.version != version:
        raise NotFound(f"{what.capitalize()} {aggregate_id} has no version {version}.")
    check_version(aggregate, expected_version, what)
    return aggregate


def check_version(aggregate: Any, expected_version: int | None, what: str = "object") -> None:
    """409 when the caller read another version than the one stored (`If-Match`)."""
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleVersion(
            f"The {what} is at version {aggregate.version}, not {expected_version}; "
            "read it again and retry.")
