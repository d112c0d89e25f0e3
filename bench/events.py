"""A realistic, reproducible event history of a city: real contracts in real envelopes.

Providers sign agreements and report on them quarterly; caseworkers register
clients and open cases, set goals, assign services under the agreements, log
deliveries monthly, review goals and close cases (some reopen). The mix is
dominated by deliveries and reviews, as in production.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from shared.contracts import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ClientRegistered,
    GoalOutcomeCounts,
    GoalReviewed,
    HelpPlanGoalSetV2,
    ImpactGoalTerm,
    IntegrationEvent,
    ProviderRegistered,
    ProviderReportAccepted,
    ProviderReportSubmitted,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementSigned,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from shared.envelope import Envelope
from shared.topics import Topics
from shared.vocabulary import AgeBand, ClosureReason, FieldOfAction

DISTRICTS = ("Nordstadt", "Südstadt", "Oststadt", "Weststadt", "Mitte", "Hafen")
TARGET_GROUPS = ("Familien", "junge Erwachsene", "Alleinerziehende", "Senioren")
REASONS = (ClosureReason.PLANNED_GOALS_ACHIEVED,) * 5 + (
    ClosureReason.PLANNED_PARTIALLY, ClosureReason.PLANNED_PARTIALLY,
    ClosureReason.DROPPED_OUT, ClosureReason.TRANSFERRED, ClosureReason.MOVED)
START = date(2025, 1, 1)


@dataclass
class History:
    """Envelopes per topic, each aggregate's versions counted from 1."""

    topics: Topics
    events: list[tuple[datetime, int, str, Envelope]] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    last: dict[str, datetime] = field(default_factory=dict)

    def record(self, topic: str, subject: uuid.UUID, event: IntegrationEvent,
               at: datetime) -> None:
        key = str(subject)
        version = self.versions.get(key, 0) + 1
        self.versions[key] = version
        # The source records an aggregate's events one after the other.
        at = max(at, self.last.get(key, at) + timedelta(seconds=1))
        self.last[key] = at
        envelope = Envelope(type=event.ce_type(), source=event.ce_source(), subject=key,
                            time=at, data=event.model_dump(mode="json"),
                            aggregate_version=version)
        self.events.append((at, len(self.events), topic, envelope))

    def in_order(self) -> Iterator[tuple[str, Envelope]]:
        """Every envelope in recorded order (per aggregate, in version order)."""
        for _, _, topic, envelope in sorted(self.events, key=lambda item: item[:2]):
            yield topic, envelope


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8, 0), UTC) + timedelta(minutes=rng.randrange(600))


def city(cases: int, *, topics: Topics | None = None, seed: int = 7) -> History:
    """About 20 events per case, plus the providers', agreements' and reports' events."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible history, not a secret
    history = History(topics or Topics())
    agreements = _agreements(history, rng, max(3, cases // 60))
    for _ in range(cases):
        _case(history, rng, agreements)
    return history


@dataclass(frozen=True)
class _Agreement:
    id: uuid.UUID
    field: FieldOfAction


def _agreements(history: History, rng: random.Random, count: int) -> list[_Agreement]:
    topic, made = history.topics.agreements, []
    providers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(max(1, count // 4))]
    for provider in providers:
        history.record(topic, provider, ProviderRegistered(
            provider_id=provider, name=f"Träger {str(provider)[:6]}", legal_form="e.V.",
            fields_of_action=list(FieldOfAction), occurred_on=START, actor="cm-1"),
            _at(START, rng))
    for _ in range(count):
        agreement = _Agreement(uuid.UUID(int=rng.getrandbits(128)), rng.choice(list(FieldOfAction)))
        provider = rng.choice(providers)
        drafted = START + timedelta(days=rng.randrange(5))
        history.record(topic, agreement.id, ServiceAgreementDrafted(
            agreement_id=agreement.id, provider_id=provider, title="Ambulante Hilfen",
            budget_product_code=f"3.6.{rng.randrange(1, 4)}.01",
            field_of_action=agreement.field, target_groups=rng.sample(TARGET_GROUPS, 2),
            districts=rng.sample(DISTRICTS, 2), term_start=START, term_end=date(2026, 12, 31),
            annual_budget_cents=rng.randrange(50, 500) * 100_000, pricing_unit="hour",
            unit_price_cents=rng.randrange(40, 90) * 100, capacity=rng.randrange(10, 40),
            impact_goals=[ImpactGoalTerm(text="Planmäßige Beendigung",
                                         indicator_id="planned_closure_rate",
                                         comparison=">=", target_value="0.6")],
            reporting_frequency="quarterly", reporting_due_days=30, occurred_on=drafted,
            actor="cm-1"), _at(drafted, rng))
        history.record(topic, agreement.id, ServiceAgreementSigned(
            agreement_id=agreement.id, occurred_on=drafted + timedelta(days=3), actor="cm-1"),
            _at(drafted + timedelta(days=3), rng))
        if rng.random() < 0.3:
            history.record(topic, agreement.id, ServiceAgreementAmended(
                agreement_id=agreement.id, effective_date=date(2025, 7, 1),
                reason="Bedarf gestiegen", capacity=rng.randrange(20, 50),
                occurred_on=date(2025, 6, 15), actor="cm-1"), _at(date(2025, 6, 15), rng))
        _reports(history, rng, agreement, provider)
        made.append(agreement)
    return made


def _reports(history: History, rng: random.Random, agreement: _Agreement,
             provider: uuid.UUID) -> None:
    for quarter in range(6):
        start = date(2025 + quarter // 4, quarter % 4 * 3 + 1, 1)
        end = (date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
               - timedelta(days=1))
        due, report = end + timedelta(days=30), uuid.UUID(int=rng.getrandbits(128))
        submitted = due + timedelta(days=rng.randrange(-25, 10))
        measured = rng.randrange(5, 20)
        history.record(history.topics.agreements, report, ProviderReportSubmitted(
            report_id=report, agreement_id=agreement.id, provider_id=provider,
            period=f"{start.year}-Q{start.month // 3 + 1}", period_start=start, period_end=end,
            due_on=due, late=submitted > due, participants=measured + rng.randrange(5),
            units_delivered=f"{rng.randrange(100, 900)}.5",
            expenditure_cents=rng.randrange(1, 9) * 1_000_000,
            outcomes=[GoalOutcomeCounts(indicator_id="planned_closure_rate",
                                        achieved=rng.randrange(measured + 1), measured=measured)],
            occurred_on=submitted, actor="provider-1"), _at(submitted, rng))
        reviewed = submitted + timedelta(days=7)
        history.record(history.topics.agreements, report, ProviderReportAccepted(
            report_id=report, revision=1, occurred_on=reviewed, actor="cm-1"),
            _at(reviewed, rng))


def _case(history: History, rng: random.Random, agreements: list[_Agreement]) -> None:
    topic = history.topics.cases
    client, case = uuid.UUID(int=rng.getrandbits(128)), uuid.UUID(int=rng.getrandbits(128))
    pseudonym = f"p-{client.hex[:10]}"
    day = START + timedelta(days=rng.randrange(540))

    def at() -> datetime:
        return _at(day, rng)

    history.record(topic, client, ClientRegistered(
        client_id=client, client_pseudonym=pseudonym, gender_category=None, team="asd-nord",
        occurred_on=day, actor="cw-1"), at())
    agreement = rng.choice(agreements)
    history.record(topic, case, CaseOpened(
        case_id=case, client_pseudonym=pseudonym, field_of_action=agreement.field,
        target_groups=[rng.choice(TARGET_GROUPS)], district=rng.choice(DISTRICTS),
        team="asd-nord", legal_basis="SGB VIII §27", age_band=rng.choice(list(AgeBand)),
        occurred_on=day, actor="cw-1"), at())
    day += timedelta(days=rng.randrange(1, 14))
    history.record(topic, case, CaseAssessed(case_id=case, occurred_on=day, actor="cw-1"), at())
    goals = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(rng.randrange(1, 4))]
    for goal in goals:
        history.record(topic, case, HelpPlanGoalSetV2(
            case_id=case, goal_id=goal, weight=rng.choice(("1", "1.5", "2")),
            baseline=rng.randrange(-2, 1), occurred_on=day, actor="cw-1"), at())
    service = uuid.UUID(int=rng.getrandbits(128))
    day += timedelta(days=rng.randrange(1, 30))
    history.record(topic, case, ServiceAssigned(
        case_id=case, service_id=service, agreement_id=agreement.id, units_planned="40",
        unit="hour", start_date=day, occurred_on=day, actor="cw-1"), at())
    for _month in range(rng.randrange(4, 14)):
        day += timedelta(days=30)
        history.record(topic, case, ServiceDeliveryRecorded(
            case_id=case, service_id=service, period=f"{day.year}-{day.month:02d}",
            units=f"{rng.randrange(2, 20)}", occurred_on=day, actor="cw-1"), at())
        if rng.random() < 0.4:
            history.record(topic, case, GoalReviewed(
                case_id=case, goal_id=rng.choice(goals), level=rng.randrange(-2, 3),
                occurred_on=day, actor="cw-1"), at())
    if rng.random() < 0.1:
        history.record(topic, case, ServiceEnded(case_id=case, service_id=service,
                                                 occurred_on=day, actor="cw-1"), at())
        ended = []
    else:
        ended = [service]
    history.record(topic, case, CaseClosed(case_id=case, reason=rng.choice(REASONS),
                                           ended_service_ids=ended, occurred_on=day,
                                           actor="cw-1"), at())
    if rng.random() < 0.05:
        day += timedelta(days=rng.randrange(30, 300))
        history.record(topic, case, CaseReopened(case_id=case, occurred_on=day, actor="cw-1"),
                       at())
