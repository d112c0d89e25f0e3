"""Demo agreements: a municipality's providers, agreements and four quarters of reports.

Generated deterministically from a seed through the agreements application,
so the events are the same kind real use records, and flow on through relay,
broker and projections like any others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from services.agreements.application import (
    PURPOSE,
    Agreements,
    AgreementTerms,
    GoalOutcome,
    ImpactGoal,
    ReportFigures,
    ReportingObligation,
    periods_between,
)
from shared.principals import Caller, Principal, Role
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit

DISTRICTS = ("Nordstadt", "Südviertel", "Altstadt", "Weststadt", "Oststadt", "Hafenviertel")
CARRIERS = ("Caritas", "Diakonie", "AWO", "Paritätische", "Lebenshilfe", "Jugendwerk",
            "Stadtteilhilfe", "Quartiersarbeit", "Sozialwerk", "Familienzentrum")
LEGAL_FORMS = ("e.V.", "gGmbH", "gUG", "Stiftung")
GOALS = {
    "goal_attainment_rate": ("Mindestens {v:.0%} der Fälle erreichen ihre Hilfeplanziele",
                             Comparison.AT_LEAST, Decimal("0.6")),
    "planned_closure_rate": ("Mindestens {v:.0%} der Fälle enden planmäßig",
                             Comparison.AT_LEAST, Decimal("0.7")),
    "reentry_rate_12m": ("Höchstens {v:.0%} Wiederaufnahmen binnen 12 Monaten",
                         Comparison.AT_MOST, Decimal("0.15")),
}
PRODUCTS = {FieldOfAction.JUGEND: "3.6.3.01", FieldOfAction.SOZIALES: "3.1.1.01",
            FieldOfAction.WOHNEN: "3.1.5.02", FieldOfAction.ARBEIT: "3.1.2.03",
            FieldOfAction.BILDUNG: "3.6.1.01", FieldOfAction.GESUNDHEIT: "4.1.1.01"}
# Reported quarters, as (years before the terms' last year, quarter).
QUARTERS = ((1, 4), (0, 1), (0, 2), (0, 3))


@dataclass(frozen=True)
class _Calendar:
    """The demo's days, in the two years of its terms: `last` is the year they end."""

    last: int

    def on(self, years_before: int, month: int, day: int) -> date:
        return date(self.last - years_before, month, day)

    def quarter(self, years_before: int, quarter: int) -> str:
        return f"{self.last - years_before}-Q{quarter}"


def seed_agreements(agreements: Agreements, *, providers: int = 40, per_provider: int = 3,
                    seed: int = 2026, last_year: int = 2026) -> list[dict[str, Any]]:
    """Record the demo; the signed agreements as the cases demo needs them.

    Their terms run through the two years ending with `last_year`, their reports through
    the four quarters up to its third.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    calendar = _Calendar(last_year)
    manager = Caller(Principal(subject="demo-controlling", role=Role.CONTRACT_MANAGER), PURPOSE)
    assignable: list[dict[str, Any]] = []
    for number in range(providers):
        fields = rng.sample(list(FieldOfAction), k=rng.choice((1, 2, 3)))
        district = DISTRICTS[number % len(DISTRICTS)]
        provider = agreements.register_provider(
            name=f"{CARRIERS[number % len(CARRIERS)]} {district} {number + 1}",
            legal_form=rng.choice(LEGAL_FORMS), fields_of_action=[f.value for f in fields],
            contact=f"kontakt{number + 1}@traeger.example", caller=manager,
            occurred_on=calendar.on(2, 10, 1) + timedelta(days=number))
        for index in range(per_provider):
            agreement = _agreement(agreements, rng, manager, calendar, provider.id,
                                   fields[index % len(fields)], district, number, index)
            if agreement is not None:
                assignable.append(agreement)
    return assignable


def _agreement(agreements: Agreements, rng: random.Random, manager: Caller,
               calendar: _Calendar, provider_id: Any, field: FieldOfAction, district: str,
               number: int, index: int) -> dict[str, Any] | None:
    districts = sorted({district, rng.choice(DISTRICTS)})
    goal_ids = rng.sample(sorted(GOALS), k=rng.choice((1, 2)))
    capacity = rng.randrange(8, 40)
    terms = AgreementTerms(
        title=f"{field.value.capitalize()} in {' und '.join(districts)} ({index + 1})",
        budget_product_code=PRODUCTS[field], field_of_action=field,
        target_groups=(rng.choice(("Familien", "junge Erwachsene", "Alleinerziehende",
                                   "Wohnungslose", "Ältere", "Langzeitarbeitslose")),),
        districts=tuple(districts), term_start=calendar.on(1, 1, 1),
        term_end=calendar.on(0, 12, 31),
        annual_budget_cents=capacity * rng.randrange(400_000, 900_000),
        pricing_unit=rng.choice(list(PricingUnit)),
        unit_price_cents=rng.randrange(3_000, 12_000), capacity=capacity,
        impact_goals=tuple(ImpactGoal(text=GOALS[g][0].format(v=GOALS[g][2]), indicator_id=g,
                                      comparison=GOALS[g][1], target_value=GOALS[g][2])
                           for g in goal_ids),
        reporting_obligation=ReportingObligation(due_days=30))
    drafted_on = calendar.on(2, 11, 1) + timedelta(days=number)
    view = agreements.draft_agreement(provider_id=provider_id, terms=terms, caller=manager,
                                      occurred_on=drafted_on)
    if (number * 3 + index) % 24 == 5:
        return None  # a few stay drafts
    agreements.sign_agreement(view.id, caller=manager, occurred_on=drafted_on + timedelta(30),
                              expected_version=None)
    if rng.random() < 0.15:
        capacity += rng.randrange(2, 10)
        agreements.amend_agreement(
            view.id, effective_date=calendar.on(0, 1, 1), reason="Bedarf im Sozialraum gestiegen",
            annual_budget_cents=None, unit_price_cents=None, capacity=capacity,
            impact_goals=None, term_end=None, caller=manager, occurred_on=calendar.on(1, 12, 10),
            expected_version=None)
    _reports(agreements, rng, manager, calendar, view.id, provider_id, goal_ids, capacity)
    if (number + index) % 40 == 7:
        agreements.terminate_agreement(view.id, termination_date=calendar.on(0, 10, 1),
                                       reason="Träger gibt das Angebot auf", caller=manager,
                                       occurred_on=calendar.on(0, 9, 1), expected_version=None)
    return {"id": view.id, "field_of_action": field.value, "term_start": terms.term_start,
            "term_end": terms.term_end, "capacity": capacity, "districts": districts}


def _reports(agreements: Agreements, rng: random.Random, manager: Caller,
             calendar: _Calendar, agreement_id: Any, provider_id: Any, goal_ids: list[str],
             capacity: int) -> None:
    provider = Caller(Principal(subject="demo-traeger", role=Role.PROVIDER,
                                provider_id=str(provider_id)), PURPOSE)
    periods = {p.label: p for p in periods_between(calendar.on(1, 10, 1), calendar.on(0, 9, 30),
                                                   ReportingObligation(due_days=30))}
    for label in (calendar.quarter(*quarter) for quarter in QUARTERS):
        if rng.random() < 0.05:
            continue  # never sent: overdue
        period = periods[label]
        submitted = period.due_on + timedelta(days=rng.choice((-20, -10, -3, 0, 5, 14)))
        figures = _figures(rng, goal_ids, capacity)
        agreements.submit_report(agreement_id, period=label, figures=figures, caller=provider,
                                 occurred_on=submitted)
        review = submitted + timedelta(days=rng.randrange(3, 20))
        if rng.random() < 0.12:
            agreements.reject_report(agreement_id, period=label, reason="Belege unvollständig",
                                     caller=manager, occurred_on=review, expected_version=None)
            agreements.resubmit_report(agreement_id, period=label,
                                       figures=_figures(rng, goal_ids, capacity),
                                       caller=provider, occurred_on=review + timedelta(days=7),
                                       expected_version=None)
            review += timedelta(days=14)
        if rng.random() < 0.95:
            agreements.accept_report(agreement_id, period=label, caller=manager,
                                     occurred_on=review, expected_version=None)


def _figures(rng: random.Random, goal_ids: list[str], capacity: int) -> ReportFigures:
    participants = rng.randrange(max(1, capacity // 2), capacity + 5)
    outcomes = []
    for goal in goal_ids:
        measured = rng.randrange(max(1, participants // 2), participants + 1)
        outcomes.append(GoalOutcome(indicator_id=goal, measured=measured,
                                    achieved=rng.randrange(0, measured + 1)))
    return ReportFigures(participants=participants,
                         units_delivered=Decimal(rng.randrange(100, 2000)) / 2,
                         expenditure_cents=participants * rng.randrange(50_000, 150_000),
                         outcomes=tuple(outcomes), narrative="Quartalsbericht (Demo).")
