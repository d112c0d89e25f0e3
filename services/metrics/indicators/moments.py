"""The moments after a period closed at which later-recorded events may change its values.

A fact row recorded later is a candidate when it can change a value for the
period P. Its horizon H is P's last day; for the re-entry rate the last day of
the re-entry window after it (shared.closures), since a return within that
window after a successful closure counts for the period of that closure. The rows chosen:

- cases opened by H: the opening, and every later closure, reopening, goal set
  or withdrawn, and service assignment or end, whatever its date (a reopening
  undoes a closure in P; a later service adds an agreement and provider to the
  case's dimensions; a goal's weight, or its withdrawal, counts for all its
  reviews); reviews dated by H; deliveries, and their reversals, for periods
  starting by H;
- agreements whose term starts by H: every change (an amendment may reach back,
  a late signing starts a term that began earlier);
- reports for a reporting period that ends by H and falls due no earlier than
  P's start: every submission, resubmission, acceptance and rejection;
- imports of the reference population, for the society indicators.

Case rows count only for the indicators that count cases, report rows only for
those that count reports. Anything else (a case opened after H, a report for a
later period, an assessment) cannot change a value for P and is left out. Each
row names its event: the CloudEvents id follows from the aggregate and version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from services.metrics.catalog import IndicatorDefinition, Level
from services.metrics.indicators.engine import Question
from shared.closures import reentry_window_end
from shared.contracts import (
    CaseClosed,
    CaseOpened,
    CaseReopened,
    DeliveryReversed,
    GoalReviewed,
    GoalWithdrawn,
    HelpPlanGoalSetV2,
    IntegrationEvent,
    ProviderReportAccepted,
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementEdited,
    ServiceAgreementResumed,
    ServiceAgreementSigned,
    ServiceAgreementSuspended,
    ServiceAgreementTerminated,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from shared.envelope import event_id
from shared.indicators import IndicatorId
from shared.projection import Connection

_REPORTS_ONLY = {IndicatorId.IMPACT_GOAL_ACHIEVEMENT, IndicatorId.REPORT_TIMELINESS}
_READ_REPORTS = {*_REPORTS_ONLY, IndicatorId.REPORTED_VS_LOGGED_SUCCESS}
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)

# (kind, change) of a fact row -> the contract of its event
_CONTRACTS: dict[tuple[str, str], type[IntegrationEvent]] = {
    ("case", "opened"): CaseOpened, ("case", "closed"): CaseClosed,
    ("case", "reopened"): CaseReopened, ("case", "goal set"): HelpPlanGoalSetV2,
    ("case", "reviewed"): GoalReviewed, ("case", "assigned"): ServiceAssigned,
    ("case", "ended"): ServiceEnded, ("case", "delivered"): ServiceDeliveryRecorded,
    ("case", "goal withdrawn"): GoalWithdrawn, ("case", "delivery reversed"): DeliveryReversed,
    ("agreement", "drafted"): ServiceAgreementDrafted,
    ("agreement", "edited"): ServiceAgreementEdited,
    ("agreement", "signed"): ServiceAgreementSigned,
    ("agreement", "amended"): ServiceAgreementAmended,
    ("agreement", "suspended"): ServiceAgreementSuspended,
    ("agreement", "resumed"): ServiceAgreementResumed,
    ("agreement", "terminated"): ServiceAgreementTerminated,
    ("report", "submitted"): ProviderReportSubmitted,
    ("report", "resubmitted"): ProviderReportResubmitted,
    ("report", "accepted"): ProviderReportAccepted,
    ("report", "rejected"): ProviderReportRejected,
}

_CANDIDATES = """
WITH cases AS (
    SELECT case_id, team FROM case_opened WHERE $6 AND occurred_on <= $3
), agreements AS (
    SELECT agreement_id, (array_agg(provider_id) FILTER (WHERE change = 'drafted'))[1]
           AS provider_id
    FROM agreement_facts GROUP BY agreement_id HAVING bool_or(term_start <= $3)
), reports AS (
    SELECT report_id, provider_id FROM report_facts
    WHERE $5 AND change = 'submitted' AND period_end <= $3 AND due_on >= $4
)
SELECT f.recorded_at, 'case' AS kind, 'opened' AS change, case_id AS aggregate_id,
       f.version, c.team, NULL::uuid AS provider_id
  FROM case_opened f JOIN cases c USING (case_id) WHERE $LATER
UNION ALL SELECT f.recorded_at, 'case', f.status, case_id, f.version, c.team, NULL
  FROM case_status f JOIN cases c USING (case_id) WHERE f.status <> 'assessed' AND $LATER
UNION ALL SELECT f.recorded_at, 'case', 'goal set', case_id, f.version, c.team, NULL
  FROM case_goals f JOIN cases c USING (case_id) WHERE $LATER
UNION ALL SELECT f.recorded_at, 'case', 'reviewed', case_id, f.version, c.team, NULL
  FROM goal_reviews f JOIN cases c USING (case_id) WHERE f.occurred_on <= $3 AND $LATER
UNION ALL SELECT f.recorded_at, 'case', f.change, case_id, f.version, c.team, NULL
  FROM case_services f JOIN cases c USING (case_id) WHERE $LATER
UNION ALL SELECT f.recorded_at, 'case', 'delivered', case_id, f.version, c.team, NULL
  FROM deliveries f JOIN cases c USING (case_id) WHERE f.period_start <= $3 AND $LATER
UNION ALL SELECT f.recorded_at, 'case', 'goal withdrawn', case_id, f.version, c.team, NULL
  FROM goal_withdrawals f JOIN cases c USING (case_id) WHERE $LATER
UNION ALL SELECT f.recorded_at, 'case', 'delivery reversed', case_id, f.version, c.team, NULL
  FROM delivery_reversals f JOIN cases c USING (case_id) WHERE f.period_start <= $3 AND $LATER
UNION ALL SELECT f.recorded_at, 'agreement', f.change, agreement_id, f.version, NULL,
                 a.provider_id
  FROM agreement_facts f JOIN agreements a USING (agreement_id) WHERE $LATER
UNION ALL SELECT f.recorded_at, 'report', f.change, report_id, f.version, NULL, r.provider_id
  FROM report_facts f JOIN reports r USING (report_id) WHERE $LATER
""".replace("$LATER", "f.recorded_at > $1 AND f.recorded_at <= $2")

_IMPORTS = """SELECT DISTINCT imported_at, source FROM reference.population
              WHERE imported_at > $1 AND imported_at <= $2 ORDER BY 1, 2"""


@dataclass(frozen=True)
class EventRef:
    """One recorded event, by its CloudEvents id, type, aggregate and version."""

    id: str
    type: str
    aggregate_id: str
    version: int
    kind: str  # case, agreement or report
    team: str | None  # of a case
    provider_id: str | None  # of an agreement or report


@dataclass
class Moment:
    """One `recorded_at` and what was recorded then that can change the period's values."""

    at: datetime
    events: list[EventRef] = field(default_factory=list)
    population_imports: list[str] = field(default_factory=list)  # their sources


def horizon(definition: IndicatorDefinition, question: Question) -> date:
    """The last domain date that can change a value for the period."""
    if definition.id == IndicatorId.REENTRY_RATE:
        return reentry_window_end(question.period.end)
    return question.period.end


async def moments(connection: Connection, definition: IndicatorDefinition, question: Question,
                  after: datetime) -> list[Moment]:
    """The candidate moments recorded after `after` (up to `question.as_of`), in order."""
    until = question.as_of or _NEVER
    reads_cases = definition.id not in _REPORTS_ONLY
    rows = await connection.fetch(
        _CANDIDATES, after, until, horizon(definition, question), question.period.start,
        definition.id in _READ_REPORTS, reads_cases)
    found: dict[datetime, Moment] = {}
    for at, events in _events(rows).items():
        found.setdefault(at, Moment(at)).events.extend(events)
    if definition.level is Level.SOCIETY:
        for row in await connection.fetch(_IMPORTS, after, until):
            found.setdefault(row["imported_at"], Moment(row["imported_at"])) \
                .population_imports.append(row["source"])
    return [found[at] for at in sorted(found)]


def _events(rows: Sequence[Any]) -> dict[datetime, list[EventRef]]:
    """Each moment's events, one per aggregate version (a closure also ends services)."""
    events: dict[tuple[UUID, int], tuple[datetime, EventRef]] = {}
    for row in rows:
        key = (row["aggregate_id"], row["version"])
        contract = _CONTRACTS[(row["kind"], row["change"])]
        if key in events and contract is ServiceEnded:
            continue
        provider = row["provider_id"]
        events[key] = (row["recorded_at"], EventRef(
            event_id(str(row["aggregate_id"]), row["version"]), contract.ce_type(),
            str(row["aggregate_id"]), row["version"], row["kind"], row["team"],
            None if provider is None else str(provider)))
    by_moment: dict[datetime, list[EventRef]] = {}
    for at, event in sorted(events.values(), key=lambda item: (item[0], item[1].aggregate_id,
                                                               item[1].version)):
        by_moment.setdefault(at, []).append(event)
    return by_moment
