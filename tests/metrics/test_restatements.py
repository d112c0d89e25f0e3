"""Restatements: how a period's values changed as later events arrived, on the fixed history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg
import pytest

from services.metrics.catalog import CATALOG
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, UnknownDimension
from services.metrics.indicators.moments import EventRef
from services.metrics.indicators.restatements import Restatements, restatements
from services.metrics.periods import parse_period
from shared.contracts import (
    CaseClosed,
    CaseReopened,
    IntegrationEvent,
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
)
from shared.envelope import Envelope, event_id
from tests.metrics.history import A1, A2, P2, fixed_history, uid
from tests.metrics.support import ask

pytestmark = pytest.mark.integration


async def restated(pool: asyncpg.Pool, indicator: str, period: str = "2026-Q1",
                   by: Sequence[str] = (), *, as_of: datetime | None = None,
                   provider: str | None = None, limit: int = 100) -> Restatements:
    question = Question(parse_period(period), tuple(by), None, as_of, provider)
    async with pool.acquire() as connection, connection.transaction(
            isolation="repeatable_read", readonly=True):
        return await restatements(connection, CATALOG[indicator], question, 1, limit)


def envelope_of(aggregate: str, contract: type[IntegrationEvent]) -> Envelope:
    """The one envelope of the fixed history with this aggregate and contract."""
    [found] = [envelope for _, envelope in fixed_history().envelopes
               if envelope.subject == str(uid(aggregate)) and envelope.type == contract.ce_type()]
    return found


def named(envelope: Envelope) -> tuple[str, str, str, int]:
    """How a restatement names the event of `envelope`."""
    return (event_id(envelope.subject, envelope.aggregate_version), envelope.type,
            envelope.subject, envelope.aggregate_version)


def named_ref(event: EventRef) -> tuple[str, str, str, int]:
    return (event.id, event.type, event.aggregate_id, event.version)


def value(cell: Cell | None) -> float | None:
    return None if cell is None else cell.value


async def test_a_corrected_report_restates_impact_goal_achievement_naming_the_correction(
        history_facts: asyncpg.Pool) -> None:
    found = await restated(history_facts, "impact_goal_achievement", by=["agreement"])

    submitted_1 = envelope_of("R1", ProviderReportSubmitted)
    submitted_2 = envelope_of("R2", ProviderReportSubmitted)
    rejected = envelope_of("R2", ProviderReportRejected)
    resubmitted = envelope_of("R2", ProviderReportResubmitted)
    assert found.first_known_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert found.first_known == []  # no report was in when the quarter closed
    assert [r.moment.at for r in found.restatements] == [
        submitted_1.time, submitted_2.time, rejected.time, resubmitted.time]
    assert [[named_ref(e) for e in r.moment.events] for r in found.restatements] == [
        [named(submitted_1)], [named(submitted_2)], [named(rejected)], [named(resubmitted)]]
    a2 = {"agreement": str(A2)}
    changes = [[(c.dimensions, value(c.before), value(c.after)) for c in r.changes]
               for r in found.restatements]
    assert changes == [
        [({"agreement": str(A1)}, None, 1.0)],  # 4 of 5 against a target of 0.6
        [(a2, None, 0.0)],  # 1 of 3 against 0.5
        [(a2, 0.0, None)],  # the rejected revision counts no more
        [(a2, None, 1.0)],  # corrected: 2 of 3
    ]
    assert found.examined == 5  # the acceptance of R1 changed nothing
    assert found.left == 0


async def test_the_first_known_value_is_the_answer_as_of_the_close(
        history_facts: asyncpg.Pool) -> None:
    found = await restated(history_facts, "planned_closure_rate", by=["field_of_action"])

    close = await ask(history_facts, "planned_closure_rate", by=["field_of_action"],
                      as_of=datetime(2026, 4, 1, tzinfo=UTC))
    now = await ask(history_facts, "planned_closure_rate", by=["field_of_action"])
    assert found.first_known == list(close.values())
    last = {tuple(c.dimensions.values()): c.after for r in found.restatements
            for c in r.changes}
    assert {key: now.get(key) for key in last} == last  # the last change of each cell stands


async def test_a_late_closure_and_a_reopening_restate_the_closure_rate(
        history_facts: asyncpg.Pool) -> None:
    found = await restated(history_facts, "planned_closure_rate", by=["field_of_action"])

    late_closure = envelope_of("K3", CaseClosed)
    reopened = envelope_of("K5", CaseReopened)
    assert [(r.moment.at, [named_ref(e) for e in r.moment.events],
             [(c.dimensions, value(c.before), value(c.after)) for c in r.changes])
            for r in found.restatements] == [
        # K1 (planned) and K2 (dropped out) were known; K3 (planned) came late
        (late_closure.time, [named(late_closure)],
         [({"field_of_action": "jugend"}, 0.5, pytest.approx(2 / 3))]),
        # K5's closure no longer stands once it is reopened
        (reopened.time, [named(reopened)], [({"field_of_action": "wohnen"}, 1.0, None)]),
    ]


async def test_a_period_without_later_events_has_no_restatements(
        history_facts: asyncpg.Pool) -> None:
    found = await restated(history_facts, "report_timeliness", "2026-Q2", ["agreement"])

    assert found.first_known_at == datetime(2026, 7, 1, tzinfo=UTC)
    assert {c.dimensions["agreement"]: c.value for c in found.first_known} == {
        str(A1): 1.0, str(A2): 0.0}
    assert found.restatements == []
    assert found.examined == 0


async def test_as_of_and_limit_bound_the_moments(history_facts: asyncpg.Pool) -> None:
    rejected = envelope_of("R2", ProviderReportRejected)

    until_rejection = await restated(history_facts, "impact_goal_achievement",
                                     by=["agreement"], as_of=rejected.time)
    first_two = await restated(history_facts, "impact_goal_achievement", by=["agreement"],
                               limit=2)

    assert len(until_rejection.restatements) == 3
    assert until_rejection.restatements[-1].moment.at == rejected.time
    assert (first_two.examined, first_two.left, len(first_two.restatements)) == (2, 3, 1)


async def test_a_provider_sees_only_the_changes_of_its_own_agreements(
        history_facts: asyncpg.Pool) -> None:
    found = await restated(history_facts, "impact_goal_achievement", by=["agreement"],
                           provider=str(P2))

    assert {c.dimensions["agreement"] for r in found.restatements for c in r.changes} == {
        str(A2)}
    assert len(found.restatements) == 3


async def test_an_unknown_dimension_is_refused(history_facts: asyncpg.Pool) -> None:
    with pytest.raises(UnknownDimension):
        await restated(history_facts, "budget_utilisation", by=["age_band"])
