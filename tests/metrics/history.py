"""A small fixed history of 2026, written as contracts in envelopes.

Two providers with one agreement each; seven cases of six clients. The
expected values in the tests are computed by hand from what is written here.

    A1  provider P1, jugend, 3.6.3.01, budget 36,500 EUR/year (100 EUR a day),
        50 EUR an hour, capacity 10; amended from 2026-04-01: 60 EUR, capacity 20
    A2  provider P2, wohnen, 3.1.1.01, budget 73,000 EUR/year (200 EUR a day),
        40 EUR an hour, capacity 5; suspended through February
    K1  p1 jugend Nordstadt 14-17 [Familien]; goals g1 (w1) +1, g2 (w2) 0;
        A1 from 01-15, 10 h Jan + 10 h Feb; closed 03-10 planned_goals_achieved
    K2  p2 jugend Nordstadt 14-17 [Familien, Alleinerziehende]; goal g3 -1;
        A1 from 02-01, 30 h in Q1; closed 03-25 dropped_out
    K3  p3 jugend Südstadt 6-13 [Familien]; goal g4 +2; A1 from 02-10, 8 h Feb;
        closed 03-20 planned_partially, recorded only on 04-05
    K4  p4 jugend Südstadt 14-17 [Familien]; A1 from 03-01, 10 h in April; open
    K5  p5 wohnen Oststadt 65+ [Senioren]; goal g5 0; A2 from 01-06, 20 h Jan;
        closed 03-05 planned_goals_achieved, reopened 05-01
    K6  p1 again, jugend Nordstadt 14-17 [Familien], opened 06-01 (a re-entry)
    K7  p6 wohnen Oststadt 65+ [Senioren]; A2 from 04-15; closed 05-20
        planned_goals_achieved
    R1  A1 Q1, submitted 04-20 (on time): 6 participants, 4 of 5 achieved; accepted
    R2  A2 Q1, submitted 05-05 (late): 3 participants, 1 of 3; rejected 05-10;
        resubmitted 05-12: 2 of 3
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.contracts import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ClientRegistered,
    GoalOutcomeCounts,
    GoalReviewed,
    HelpPlanGoalSet,
    ImpactGoalTerm,
    IntegrationEvent,
    ProviderRegistered,
    ProviderReportAccepted,
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementResumed,
    ServiceAgreementSigned,
    ServiceAgreementSuspended,
    ServiceAssigned,
    ServiceDeliveryRecorded,
)
from shared.envelope import Envelope


def uid(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"wirkung-test/{name}")


P1, P2, A1, A2 = uid("P1"), uid("P2"), uid("A1"), uid("A2")


@dataclass
class History:
    """Envelopes in recorded order, with the topic ("agreements" or "cases") of each."""

    envelopes: list[tuple[str, Envelope]] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    last: dict[str, datetime] = field(default_factory=dict)

    def add(self, topic: str, subject: uuid.UUID, event: IntegrationEvent,
            recorded_on: date | None = None) -> None:
        key = str(subject)
        self.versions[key] = self.versions.get(key, 0) + 1
        moment = datetime.combine(recorded_on or event.occurred_on, time(12), UTC)
        moment += timedelta(seconds=len(self.envelopes))
        assert moment > self.last.get(key, moment - timedelta(1)), "recorded out of order"
        self.last[key] = moment
        self.envelopes.append((topic, Envelope(
            type=event.ce_type(), source=event.ce_source(), subject=key, time=moment,
            data=event.model_dump(mode="json"), aggregate_version=self.versions[key])))

    def in_recorded_order(self) -> list[tuple[str, Envelope]]:
        return sorted(self.envelopes, key=lambda item: item[1].time)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def _agreements(h: History) -> None:
    for provider, field_of_action in ((P1, "jugend"), (P2, "wohnen")):
        h.add("agreements", provider, ProviderRegistered(
            provider_id=provider, name=f"Träger {field_of_action}", legal_form="e.V.",
            fields_of_action=[field_of_action], occurred_on=d(1, 2), actor="cm-1"))
    terms: dict[str, Any] = {"title": "Hilfen", "term_start": d(1, 1), "term_end": d(12, 31),
                             "pricing_unit": "hour", "reporting_frequency": "quarterly",
                             "reporting_due_days": 30, "occurred_on": d(1, 3), "actor": "cm-1"}
    for agreement, provider, product, field_of_action, districts, budget, price, capacity, \
            target in ((A1, P1, "3.6.3.01", "jugend", ["Nordstadt", "Südstadt"], 3_650_000,
                        5000, 10, "0.6"),
                       (A2, P2, "3.1.1.01", "wohnen", ["Oststadt"], 7_300_000, 4000, 5, "0.5")):
        h.add("agreements", agreement, ServiceAgreementDrafted(
            agreement_id=agreement, provider_id=provider, budget_product_code=product,
            field_of_action=field_of_action, target_groups=["Familien"], districts=districts,
            annual_budget_cents=budget, unit_price_cents=price, capacity=capacity,
            impact_goals=[ImpactGoalTerm(text="planmäßig", indicator_id="planned_closure_rate",
                                         comparison=">=", target_value=target)], **terms))
    h.add("agreements", A1, ServiceAgreementSigned(agreement_id=A1, occurred_on=d(1, 5),
                                                   actor="cm-1"))
    h.add("agreements", A2, ServiceAgreementSigned(agreement_id=A2, occurred_on=d(1, 10),
                                                   actor="cm-1"))
    h.add("agreements", A2, ServiceAgreementSuspended(agreement_id=A2, reason="Prüfung",
                                                      occurred_on=d(2, 1), actor="cm-1"))
    h.add("agreements", A2, ServiceAgreementResumed(agreement_id=A2, occurred_on=d(3, 1),
                                                    actor="cm-1"))
    h.add("agreements", A1, ServiceAgreementAmended(
        agreement_id=A1, effective_date=d(4, 1), reason="Bedarf", unit_price_cents=6000,
        capacity=20, occurred_on=d(3, 20), actor="cm-1"))


def _reports(h: History) -> None:
    r1, r2 = uid("R1"), uid("R2")
    quarter: dict[str, Any] = {"period": "2026-Q1", "period_start": d(1, 1),
                               "period_end": d(3, 31), "due_on": d(4, 30),
                               "units_delivered": "48", "expenditure_cents": 900_000}
    h.add("agreements", r1, ProviderReportSubmitted(
        report_id=r1, agreement_id=A1, provider_id=P1, late=False, participants=6,
        outcomes=[GoalOutcomeCounts(indicator_id="planned_closure_rate", achieved=4,
                                    measured=5)], occurred_on=d(4, 20), actor="pt-1", **quarter))
    h.add("agreements", r1, ProviderReportAccepted(report_id=r1, revision=1,
                                                   occurred_on=d(4, 25), actor="cm-1"))
    h.add("agreements", r2, ProviderReportSubmitted(
        report_id=r2, agreement_id=A2, provider_id=P2, late=True, participants=3,
        outcomes=[GoalOutcomeCounts(indicator_id="planned_closure_rate", achieved=1,
                                    measured=3)], occurred_on=d(5, 5), actor="pt-2", **quarter))
    h.add("agreements", r2, ProviderReportRejected(report_id=r2, revision=1, reason="Zahlen",
                                                   occurred_on=d(5, 10), actor="cm-1"))
    h.add("agreements", r2, ProviderReportResubmitted(
        report_id=r2, revision=2, participants=3, units_delivered="20",
        expenditure_cents=80_000, outcomes=[GoalOutcomeCounts(
            indicator_id="planned_closure_rate", achieved=2, measured=3)],
        occurred_on=d(5, 12), actor="pt-2"))


@dataclass(frozen=True)
class Case:
    name: str
    client: str
    field_of_action: str
    target_groups: list[str]
    district: str
    age_band: str
    opened: date


def _open(h: History, case: Case) -> uuid.UUID:
    case_id = uid(case.name)
    h.add("cases", case_id, CaseOpened(
        case_id=case_id, client_pseudonym=case.client, field_of_action=case.field_of_action,
        target_groups=case.target_groups, district=case.district, team="asd-nord",
        legal_basis="SGB VIII §27", age_band=case.age_band, occurred_on=case.opened,
        actor="cw-1"))
    h.add("cases", case_id, CaseAssessed(case_id=case_id, occurred_on=case.opened, actor="cw-1"))
    return case_id


def _goal(h: History, case_id: uuid.UUID, goal: str, weight: str, on: date) -> None:
    h.add("cases", case_id, HelpPlanGoalSet(case_id=case_id, goal_id=uid(goal), title=goal,
                                            weight=weight, baseline=-1, occurred_on=on,
                                            actor="cw-1"))


def _review(h: History, case_id: uuid.UUID, goal: str, level: int, on: date) -> None:
    h.add("cases", case_id, GoalReviewed(case_id=case_id, goal_id=uid(goal), level=level,
                                         occurred_on=on, actor="cw-1"))


def _assign(h: History, case_id: uuid.UUID, service: str, agreement: uuid.UUID,
            start: date) -> None:
    h.add("cases", case_id, ServiceAssigned(case_id=case_id, service_id=uid(service),
                                            agreement_id=agreement, units_planned="40",
                                            unit="hour", start_date=start, occurred_on=start,
                                            actor="cw-1"))


def _deliver(h: History, case_id: uuid.UUID, service: str, period: str, units: str,
             on: date) -> None:
    h.add("cases", case_id, ServiceDeliveryRecorded(case_id=case_id, service_id=uid(service),
                                                    period=period, units=units, occurred_on=on,
                                                    actor="cw-1"))


def _close(h: History, case_id: uuid.UUID, reason: str, on: date, ended: list[str],
           recorded_on: date | None = None) -> None:
    h.add("cases", case_id, CaseClosed(case_id=case_id, reason=reason,
                                       ended_service_ids=[uid(s) for s in ended],
                                       occurred_on=on, actor="cw-1"), recorded_on)


def _cases(h: History) -> None:
    for client in ("p1", "p2", "p3", "p4", "p5", "p6"):
        h.add("cases", uid(client), ClientRegistered(
            client_id=uid(client), client_pseudonym=client, gender_category=None,
            team="asd-nord", occurred_on=d(1, 2), actor="cw-1"))
    k1 = _open(h, Case("K1", "p1", "jugend", ["Familien"], "Nordstadt", "14-17", d(1, 10)))
    _goal(h, k1, "g1", "1", d(1, 12))
    _goal(h, k1, "g2", "2", d(1, 12))
    _assign(h, k1, "s1", A1, d(1, 15))
    _deliver(h, k1, "s1", "2026-01", "10", d(2, 1))
    _review(h, k1, "g1", 1, d(2, 20))
    _review(h, k1, "g2", 0, d(2, 20))
    _deliver(h, k1, "s1", "2026-02", "10", d(3, 1))
    _close(h, k1, "planned_goals_achieved", d(3, 10), ["s1"])

    k2 = _open(h, Case("K2", "p2", "jugend", ["Familien", "Alleinerziehende"], "Nordstadt",
                       "14-17", d(1, 20)))
    _goal(h, k2, "g3", "1", d(1, 22))
    _assign(h, k2, "s2", A1, d(2, 1))
    _review(h, k2, "g3", -1, d(3, 1))
    _deliver(h, k2, "s2", "2026-Q1", "30", d(3, 24))
    _close(h, k2, "dropped_out", d(3, 25), ["s2"])

    k3 = _open(h, Case("K3", "p3", "jugend", ["Familien"], "Südstadt", "6-13", d(2, 1)))
    _goal(h, k3, "g4", "1", d(2, 3))
    _assign(h, k3, "s3", A1, d(2, 10))
    _deliver(h, k3, "s3", "2026-02", "8", d(3, 2))
    _review(h, k3, "g4", 2, d(3, 15))
    _close(h, k3, "planned_partially", d(3, 20), ["s3"], recorded_on=d(4, 5))

    k4 = _open(h, Case("K4", "p4", "jugend", ["Familien"], "Südstadt", "14-17", d(2, 15)))
    _assign(h, k4, "s4", A1, d(3, 1))
    _deliver(h, k4, "s4", "2026-04", "10", d(5, 2))

    k5 = _open(h, Case("K5", "p5", "wohnen", ["Senioren"], "Oststadt", "65+", d(1, 5)))
    _goal(h, k5, "g5", "1", d(1, 5))
    _assign(h, k5, "s5", A2, d(1, 6))
    _deliver(h, k5, "s5", "2026-01", "20", d(2, 2))
    _review(h, k5, "g5", 0, d(3, 1))
    _close(h, k5, "planned_goals_achieved", d(3, 5), ["s5"])
    h.add("cases", k5, CaseReopened(case_id=k5, occurred_on=d(5, 1), actor="cw-1"))

    _open(h, Case("K6", "p1", "jugend", ["Familien"], "Nordstadt", "14-17", d(6, 1)))

    k7 = _open(h, Case("K7", "p6", "wohnen", ["Senioren"], "Oststadt", "65+", d(4, 10)))
    _assign(h, k7, "s7", A2, d(4, 15))
    _close(h, k7, "planned_goals_achieved", d(5, 20), ["s7"])


def fixed_history() -> History:
    """The whole history, each aggregate's events in version order."""
    h = History()
    _agreements(h)
    _reports(h)
    _cases(h)
    return h


# The moment the tests count as now (reports fall due up to its day): fixed, so that what
# is due does not change with the day the tests run.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

POPULATION = [  # district, age band, year, inhabitants
    ("Nordstadt", "14-17", 2026, 1000), ("Nordstadt", "6-13", 2026, 1000),
    ("Südstadt", "14-17", 2026, 500), ("Südstadt", "6-13", 2026, 1500),
    ("Oststadt", "65+", 2025, 1800), ("Oststadt", "65+", 2026, 2000),
]
