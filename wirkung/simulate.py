"""`wirkung simulate`: a plausible year of a city, deterministic for a seed.

The agreements, their providers and reports are recorded through the agreements
application's commands, by a contract manager and each agreement's provider. The
cases go straight into the cases service's event store (through the domain
aggregates, in large batches, bypassing its application, the clients' personal
data and the sealing of free text), for speed and so that a seed gives the same
stored events: a large city's year is about 4 million events. The services relay
and project them as usual.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from services.agreements.application import (
    PURPOSE,
    AgreementDetails,
    Agreements,
    AgreementTerms,
    GoalOutcome,
    ImpactGoal,
    ProviderDetails,
    ReportDetails,
    ReportFigures,
    ReportingObligation,
)
from services.cases.domain import Case, Client
from shared.eventstore import ServiceApplication, single_writer_environment
from shared.principals import Caller, Principal, Role
from shared.vocabulary import (
    AgeBand,
    ClosureReason,
    Comparison,
    FieldOfAction,
    PricingUnit,
)
from wirkung.stores import event_store

SCALES = {"small": (10, 40, 1_000), "medium": (100, 400, 10_000),
          "large": (500, 2_000, 100_000)}
DISTRICTS = tuple(f"Sozialraum {n:02d}" for n in range(1, 25))
LEVELS = {"-2": "viel weniger als erwartet", "-1": "weniger als erwartet",
          "0": "erwartet", "1": "mehr als erwartet", "2": "viel mehr als erwartet"}
CLOSURES = (ClosureReason.PLANNED_GOALS_ACHIEVED,) * 5 + (
    ClosureReason.PLANNED_PARTIALLY,) * 3 + (
    ClosureReason.DROPPED_OUT, ClosureReason.TRANSFERRED, ClosureReason.MOVED)
ACTOR = "simulation"
MANAGER = Caller(Principal(ACTOR, Role.CONTRACT_MANAGER), PURPOSE)
CASES_PER_SAVE = 50


@dataclass
class Counts:
    providers: int = 0
    agreements: int = 0
    reports: int = 0
    clients: int = 0
    cases: int = 0
    events: int = 0


@contextmanager
def deterministic_ids(rng: random.Random, *classes: type[Aggregate]) -> Iterator[None]:
    """Aggregate ids drawn from `rng` instead of uuid4, so a seed gives the same ids."""
    saved = {cls: cls.__dict__.get("create_id") for cls in classes}
    for cls in classes:
        cls.create_id = staticmethod(  # type: ignore[method-assign]
            lambda *_, **__: uuid.UUID(int=rng.getrandbits(128), version=4))
    try:
        yield
    finally:
        for cls, original in saved.items():
            if original is None:
                del cls.create_id
            else:
                cls.create_id = original  # type: ignore[method-assign]


class Progress:
    def __init__(self, total: int, what: str) -> None:
        self.total, self.what, self.done = total, what, 0
        self.started = self.shown = time.monotonic()

    def add(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 1.0 or self.done >= self.total:
            self.shown = now
            rate = self.done / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate else 0
            print(f"\r{self.what}: {self.done:,}/{self.total:,} ({rate:,.0f}/s, "
                  f"{left:,.0f}s left)", end="", file=sys.stderr, flush=True)
            if self.done >= self.total:
                print(file=sys.stderr)


def simulate(agreements_url: str, cases_url: str, *, city: str, year: int,
             seed: int) -> Counts:
    """Simulate the year into the agreements and cases databases at these URLs."""
    rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not secrets
    providers, agreement_count, case_count = SCALES[city]
    counts = Counts()
    agreements = Agreements(env=single_writer_environment(agreements_url),
                            ids=lambda: _drawn_id(rng))
    cases = event_store("cases", cases_url)
    try:
        signed = _agreements(agreements, rng, year, providers, agreement_count, counts)
        with deterministic_ids(rng, Case):
            _cases(cases, rng, year, case_count, signed, counts)
    finally:
        agreements.close()
        cases.close()
    return counts


def _drawn_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _agreements(agreements: Agreements, rng: random.Random, year: int, providers: int,
                count: int, counts: Counts) -> list[AgreementDetails]:
    progress = Progress(count, "agreements")
    registered = []
    with agreements.saving_together():
        for number in range(providers):
            fields = rng.sample(list(FieldOfAction), k=rng.choice((1, 2, 3)))
            registered.append(agreements.register_provider(
                name=f"Träger {number + 1}", legal_form="e.V.",
                fields_of_action=[f.value for f in fields], contact="", caller=MANAGER,
                occurred_on=date(year - 1, 10, 1)))
    counts.providers, counts.events = providers, counts.events + providers
    signed: list[AgreementDetails] = []
    # The commands of 200 agreements saved together: a transaction each took most of the time.
    for start in range(0, count, 200):
        with agreements.saving_together():
            for number in range(start, min(start + 200, count)):
                signed.append(_agreement(agreements, rng, year, registered[number % providers],
                                         counts))
        progress.add(min(200, count - start))
    counts.agreements = len(signed)
    return signed


def _agreement(agreements: Agreements, rng: random.Random, year: int,
               provider: ProviderDetails, counts: Counts) -> AgreementDetails:
    """An agreement with the provider, signed, with three quarters' reports accepted."""
    drafted = agreements.draft_agreement(
        provider_id=provider.id,
        terms=_terms(rng, year, FieldOfAction(rng.choice(provider.fields_of_action))),
        caller=MANAGER, occurred_on=date(year - 1, 11, 1))
    agreement = agreements.sign_agreement(drafted.id, caller=MANAGER,
                                          occurred_on=date(year - 1, 12, 1),
                                          expected_version=drafted.version)
    reports = _reports(agreements, rng, agreement, year)
    counts.events += agreement.version + sum(report.version for report in reports)
    counts.reports += len(reports)
    return agreement


def _terms(rng: random.Random, year: int, field: FieldOfAction) -> AgreementTerms:
    capacity = rng.randrange(40, 160)
    return AgreementTerms(
        title=f"{field.value} {rng.randrange(1000)}", budget_product_code="3.6.3.01",
        field_of_action=field, target_groups=("Familien",),
        districts=tuple(rng.sample(DISTRICTS, k=2)), term_start=date(year, 1, 1),
        term_end=date(year, 12, 31), annual_budget_cents=capacity * 700_000,
        pricing_unit=PricingUnit.HOUR, unit_price_cents=rng.randrange(4_000, 9_000),
        capacity=capacity,
        impact_goals=(ImpactGoal(text="Zielerreichung", indicator_id="goal_attainment_rate",
                                 comparison=Comparison.AT_LEAST, target_value=Decimal("0.6")),),
        reporting_obligation=ReportingObligation(due_days=30))


def _reports(agreements: Agreements, rng: random.Random, agreement: AgreementDetails,
             year: int) -> list[ReportDetails]:
    """The agreement's provider reports on three quarters, each report accepted."""
    provider = Caller(Principal(ACTOR, Role.PROVIDER, provider_id=str(agreement.provider_id)),
                      PURPOSE)
    reports = []
    for quarter in (1, 2, 3):
        participants = rng.randrange(20, agreement.terms["capacity"])
        measured = rng.randrange(1, participants)
        figures = ReportFigures(participants=participants, units_delivered=Decimal(
            participants * 10), expenditure_cents=participants * 90_000, outcomes=(
            GoalOutcome("goal_attainment_rate", rng.randrange(measured + 1), measured),),
            narrative="")
        submitted = date(year, quarter * 3, 28) + timedelta(days=rng.randrange(5, 45))
        report = agreements.submit_report(agreement.id, period=f"{year}-Q{quarter}",
                                          figures=figures, caller=provider,
                                          occurred_on=submitted)
        reports.append(agreements.accept_report(
            agreement.id, period=report.period, caller=MANAGER,
            occurred_on=submitted + timedelta(days=10), expected_version=report.version))
    return reports


def _cases(store: ServiceApplication, rng: random.Random, year: int, count: int,
           agreements: list[AgreementDetails], counts: Counts) -> None:
    progress = Progress(count, "cases")
    by_field: dict[str, list[AgreementDetails]] = {}
    for agreement in agreements:
        by_field.setdefault(agreement.terms["field_of_action"], []).append(agreement)
    pseudonyms: list[str] = []
    # Saves of a few thousand events each: far larger ones stall psycopg's pipeline.
    for start in range(0, count, CASES_PER_SAVE):
        batch: list[Any] = []
        for _ in range(start, min(start + CASES_PER_SAVE, count)):
            if pseudonyms and rng.random() < 0.08:
                pseudonym = rng.choice(pseudonyms)  # a client known already
            else:
                pseudonym = f"p-{rng.getrandbits(48):012x}"
                pseudonyms.append(pseudonym)
                batch.append(Client.register(pseudonym=pseudonym, team="asd", actor=ACTOR,
                                             occurred_on=date(year, 1, 1)))
            field = rng.choice(sorted(by_field))
            batch.append(_case(rng, year, pseudonym, field, rng.choice(by_field[field])))
        counts.events += sum(len(a.pending_events) for a in batch)
        counts.clients += sum(isinstance(a, Client) for a in batch)
        store.save(*batch)
        progress.add(min(CASES_PER_SAVE, count - start))
    counts.cases = count


def _case(rng: random.Random, year: int, pseudonym: str, field: str,
          agreement: AgreementDetails) -> Case:
    opened = date(year, 1, 1) + timedelta(days=rng.randrange(0, 330))
    last = date(year, 12, 31)
    district = rng.choice(agreement.terms["districts"])
    case = Case(client_pseudonym=pseudonym, field_of_action=field, target_groups=["Familien"],
                district=district, team=f"asd-{DISTRICTS.index(district) % 6}",
                legal_basis="SGB VIII §27", age_band=rng.choice(list(AgeBand)).value,
                actor=ACTOR, occurred_on=opened)
    day = opened + timedelta(days=rng.randrange(3, 15))
    case.assess(summary="", actor=ACTOR, occurred_on=min(day, last))
    goals = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(3)]
    for goal in goals:
        case.set_goal(goal_id=goal, title="Ziel", levels=LEVELS, baseline=-1, actor=ACTOR,
                      occurred_on=min(day, last), weight=rng.choice((1, 1, 2)))
    service = uuid.UUID(int=rng.getrandbits(128), version=4)
    start = min(day + timedelta(days=rng.randrange(1, 20)), last)
    case.assign_service(service_id=service, agreement_id=agreement.id, units_planned=80,
                        unit="hour", start_date=start, actor=ACTOR, occurred_on=start)
    duration = rng.randrange(60, 300)
    end = start + timedelta(days=duration)
    day, level = start, -1
    while day + timedelta(days=7) <= min(end, last):
        day += timedelta(days=7)
        case.record_delivery(service_id=service, period=f"{day.year}-{day.month:02d}",
                             units=rng.randrange(2, 12), actor=ACTOR, occurred_on=day)
        if (day - start).days % 28 == 0:
            level = max(-2, min(2, level + rng.choice((-1, 0, 1, 1))))
            for goal in goals:
                case.review_goal(goal_id=goal, level=level, note="", actor=ACTOR,
                                 occurred_on=day)
    if end <= last:
        case.close(reason=rng.choice(CLOSURES).value, actor=ACTOR, occurred_on=end)
    return case
