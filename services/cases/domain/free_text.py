"""Which fields of a case's events are free text a caseworker writes about the person.

They are personal data (often of the most sensitive kind: health, addiction,
family conflict), so the application seals them with the client's own key
before an event is stored and never publishes them. A dict field's values are
each a text (a goal's level descriptions). A closure's reason is a category,
not free text.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from services.cases.domain.case import Case

FREE_TEXT: dict[type[Aggregate.Event], tuple[str, ...]] = {
    Case.Assessed: ("summary",),
    Case.GoalSet: ("title", "levels"),
    Case.GoalReviewed: ("note",),
    Case.ServiceEnded: ("reason",),
    Case.Reopened: ("reason",),
    Case.GoalWithdrawn: ("reason",),
    Case.DeliveryReversed: ("reason",),
    Case.HandedOver: ("reason",),
}
