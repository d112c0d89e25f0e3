"""Demo cases: about 3,000 cases over the two years before `today`, generated deterministically.

Clients and cases are recorded through the cases application's history import
(`Cases.import_history`: the domain's own commands, so every rule holds), by a
caseworker of each case's team, in the order things happened, and saved in
batches. A service is assigned only under an agreement that admits it on its
start date; while an agreement's places are taken, the assignment is skipped, as
a caseworker would have to. Build the application with `Cases.from_settings`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from services.cases.application import AgreementOnRecord, Cases, HistoryImport, PersonalData
from shared.closures import within_reentry_window
from shared.principals import Caller, Principal, Role
from shared.vocabulary import ClosureReason, FieldOfAction, GenderCategory

DISTRICTS = ("Nordstadt", "Südviertel", "Altstadt", "Weststadt")
TEAMS = {"Nordstadt": "asd-nord", "Südviertel": "asd-sued", "Altstadt": "asd-mitte",
         "Weststadt": "asd-west"}
LEGAL_BASES = {
    FieldOfAction.JUGEND: "SGB VIII §27", FieldOfAction.SOZIALES: "SGB XII §67",
    FieldOfAction.WOHNEN: "SGB XII §67", FieldOfAction.ARBEIT: "SGB II §16a",
    FieldOfAction.BILDUNG: "SGB VIII §13", FieldOfAction.GESUNDHEIT: "SGB V §20",
}
FIELDS = {FieldOfAction.JUGEND: 30, FieldOfAction.SOZIALES: 20, FieldOfAction.WOHNEN: 15,
          FieldOfAction.ARBEIT: 15, FieldOfAction.BILDUNG: 10, FieldOfAction.GESUNDHEIT: 10}
AGES = {"jugend": (6, 20), "bildung": (6, 25), "arbeit": (18, 60), "wohnen": (18, 75),
        "soziales": (18, 85), "gesundheit": (18, 85)}
TARGET_GROUPS = {"jugend": ["Familien", "Alleinerziehende", "junge Erwachsene"],
                 "bildung": ["Schulverweigerer", "junge Erwachsene"],
                 "arbeit": ["Langzeitarbeitslose", "junge Erwachsene"],
                 "wohnen": ["Wohnungslose", "von Wohnungslosigkeit Bedrohte"],
                 "soziales": ["Ältere", "Menschen mit Behinderung", "Familien"],
                 "gesundheit": ["Suchtkranke", "psychisch Erkrankte", "Ältere"]}
GOALS = {"jugend": ["Regelmäßiger Schulbesuch", "Tagesstruktur in der Familie",
                    "Konflikte ohne Gewalt lösen"],
         "bildung": ["Schulabschluss erreichen", "Ausbildungsplatz finden"],
         "arbeit": ["Bewerbungen schreiben", "Arbeitsaufnahme", "Schulden regulieren"],
         "wohnen": ["Wohnung halten", "Mietrückstände abbauen", "eigene Wohnung finden"],
         "soziales": ["Alltag selbständig bewältigen", "soziale Kontakte pflegen"],
         "gesundheit": ["Konsum reduzieren", "Therapie beginnen", "Arzttermine wahrnehmen"]}
LEVELS = {"-2": "deutlich schlechter als erwartet", "-1": "etwas schlechter als erwartet",
          "0": "wie erwartet", "1": "etwas besser als erwartet",
          "2": "deutlich besser als erwartet"}
FIRST_NAMES = ("Anna", "Ben", "Clara", "Deniz", "Elif", "Finn", "Greta", "Hamza", "Ida",
               "Jonas", "Katarzyna", "Leon", "Mia", "Noah", "Olga", "Paul", "Sofia", "Yusuf")
LAST_NAMES = ("Schmidt", "Müller", "Özdemir", "Nowak", "Becker", "Hoffmann", "Kaya", "Wagner",
              "Schulz", "Popescu", "Fischer", "Weber", "Koch", "Richter", "Wolf", "Neumann")
STREETS = ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Schulstraße", "Am Markt", "Gartenweg")
ASSESSMENTS = ("Erstgespräch und Anamnese", "Hausbesuch und Bedarfsfeststellung",
               "Fallkonferenz mit den beteiligten Stellen", "Clearing nach Meldung")
UNITS_PLANNED = {"hour": (20, 40, 60, 80, 120), "day": (30, 60, 90, 180), "case": (1,),
                 "place": (1,)}
BATCH = 250


@dataclass
class SeedSummary:
    """What the demo generated."""

    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class _Story:
    """One case's events, to run in the order of their dates (ties: as planned)."""

    steps: list[tuple[date, int, Callable[[], Any]]] = field(default_factory=list)

    def at(self, day: date, step: Callable[[], Any]) -> None:
        self.steps.append((day, len(self.steps), step))

    def run(self, today: date) -> None:
        for day, _, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            if day <= today:
                step()


@dataclass(frozen=True)
class _Case:
    """A case opened in the import, with what its story is told by."""

    id: UUID
    client_id: UUID
    field_of_action: str
    district: str
    caller: Caller


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _on_record(terms: dict[str, Any]) -> AgreementOnRecord:
    start = _as_date(terms["term_start"])
    return AgreementOnRecord(
        agreement_id=UUID(str(terms["id"])), field_of_action=str(terms["field_of_action"]),
        pricing_unit=str(terms.get("pricing_unit", "hour")), capacity=int(terms["capacity"]),
        term_start=start, term_end=_as_date(terms["term_end"]),
        signed_on=_as_date(terms.get("signed_on", start)))


class _Municipality:
    """Decides who comes, what happens and when; remembers the places taken."""

    def __init__(self, rng: random.Random, agreements: list[dict[str, Any]], today: date,
                 history: HistoryImport):
        self.rng, self.today, self.history = rng, today, history
        self.agreements = [(_on_record(a), tuple(a.get("districts", ()))) for a in agreements]
        self.booked: dict[UUID, list[tuple[date, date]]] = {}
        self.closed: list[tuple[date, UUID, str, str]] = []  # when, whom, field, district
        self.summary = SeedSummary()

    def uuid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def client(self, field_of_action: str, opened_on: date, caller: Caller) -> UUID:
        """A new client, registered with their personal data."""
        rng = self.rng
        low, high = AGES[field_of_action]
        birth = opened_on - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        data = PersonalData(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            birth_date=birth, address=f"{rng.choice(STREETS)} "
                                                      f"{rng.randint(1, 120)}, Musterstadt")
        gender = rng.choice([*GenderCategory, GenderCategory.FEMALE, GenderCategory.MALE, None])
        self.summary.counts["clients"] += 1
        return self.history.register_client(
            pseudonym=f"p-{self.rng.getrandbits(64):016x}", personal_data=data,
            gender_category=gender, caller=caller, occurred_on=opened_on)

    def returning(self, opened_on: date) -> tuple[UUID, str, str] | None:
        """Now and then, a client whose case closed in the last twelve months."""
        recent = [c for c in self.closed if within_reentry_window(c[0], opened_on)]
        if not recent or self.rng.random() > 0.12:
            return None
        _, client_id, field_of_action, district = self.rng.choice(recent)
        return client_id, field_of_action, district

    def last_closure(self, client_id: UUID, opened_on: date) -> date | None:
        closures = [c[0] for c in self.closed if c[1] == client_id and c[0] <= opened_on]
        return max(closures, default=None)

    def admitting(self, field_of_action: str, district: str, start: date,
                  end: date) -> tuple[AgreementOnRecord, int] | None:
        """An agreement of the field active on `start` with a place free until `end`."""
        fitting = [a for a, districts in self.agreements if a.field_of_action == field_of_action
                   and a.is_active_on(start) and (not districts or district in districts)]
        if not fitting:
            fitting = [a for a, _ in self.agreements
                       if a.field_of_action == field_of_action and a.is_active_on(start)]
        if not fitting:
            self.summary.counts["services_without_agreement"] += 1
            return None
        agreement = self.rng.choice(fitting)
        taken = _busiest(self.booked.get(agreement.agreement_id, []), start, end)
        # Active and of the field, it admits the service while a place is left (which the
        # import's assignment checks again, with the domain's rule).
        if agreement.places_left(taken) == 0:
            self.summary.counts["services_skipped_fully_booked"] += 1
            return None
        return agreement, taken

    def story(self, case: _Case, opened_on: date) -> _Story:
        rng, story, counts, history = self.rng, _Story(), self.summary.counts, self.history
        field_of_action, caller = case.field_of_action, case.caller
        assessed = opened_on + timedelta(days=rng.randint(3, 21))
        planned = assessed + timedelta(days=rng.randint(0, 14))
        duration = min(max(int(rng.lognormvariate(math.log(270), 0.5)), 45), 700)
        closes = opened_on + timedelta(days=duration)
        story.at(assessed, partial(history.assess, case.id, summary=rng.choice(ASSESSMENTS),
                                   caller=caller, occurred_on=assessed))
        goals = [(self.uuid(), title, rng.choice([-2, -1, -1])) for title in
                 rng.sample(GOALS[field_of_action], rng.randint(1, len(GOALS[field_of_action])))]
        for goal_id, title, baseline in goals:
            story.at(planned, partial(
                history.set_goal, case.id, goal_id=goal_id, title=title, levels=LEVELS,
                baseline=baseline, weight=rng.choice(["1", "1", "1", "1.5", "2"]),
                caller=caller, occurred_on=planned))
            counts["goals"] += 1
        for number in range(1 if rng.random() < 0.85 else 2):
            start = planned + timedelta(days=rng.randint(7, 45) + 60 * number)
            early = rng.random() < 0.2
            ends = start + timedelta(days=rng.randint(30, 120)) if early else closes
            if start >= min(closes, self.today) or ends > closes:
                continue
            self.service(case, story, start, ends if early else None, closes)
        progress = rng.gauss(0.9, 0.9)  # how well this case goes
        review, rounds = planned + timedelta(days=90), max(duration // 90, 1)
        for round_ in range(1, rounds + 1):
            if review >= closes:
                break
            for goal_id, _, baseline in goals:
                level = round(baseline + progress * round_ * 2 / rounds + rng.gauss(0, 0.6))
                story.at(review, partial(history.review_goal, case.id, goal_id,
                                         level=max(-2, min(2, level)), note="", caller=caller,
                                         occurred_on=review))
                counts["reviews"] += 1
            review += timedelta(days=90)
        if closes <= self.today:
            reason = self.reason(progress)
            story.at(closes, partial(history.close_case, case.id, reason=reason, caller=caller,
                                     occurred_on=closes))
            reopens = closes + timedelta(days=rng.randint(14, 90))
            if rng.random() < 0.04 and reopens <= self.today:
                story.at(reopens, partial(history.reopen_case, case.id, reason="erneuter Bedarf",
                                          caller=caller, occurred_on=reopens))
                counts["reopened"] += 1
            else:
                counts["closed"] += 1
                self.closed.append((closes, case.client_id, field_of_action, case.district))
        return story

    def service(self, case: _Case, story: _Story, start: date, ended: date | None,
                closes: date) -> None:
        admitted = self.admitting(case.field_of_action, case.district, start, ended or closes)
        if admitted is None:
            return
        agreement, taken = admitted
        self.booked.setdefault(agreement.agreement_id, []).append((start, ended or closes))
        service_id, rng, history = self.uuid(), self.rng, self.history
        planned_units = rng.choice(UNITS_PLANNED.get(agreement.pricing_unit, (40,)))
        story.at(start, partial(
            history.assign_service, case.id, service_id=service_id, agreement=agreement,
            running_services=taken, units_planned=planned_units, start_date=start,
            caller=case.caller, occurred_on=start))
        self.summary.counts["services"] += 1
        last = min(ended or closes, self.today)
        quarter_end = _quarter_end(start)
        while quarter_end < last:
            units = max(round(planned_units / 4 * rng.uniform(0.6, 1.2) * 2) / 2, 0.5)
            period = f"{quarter_end.year}-Q{(quarter_end.month - 1) // 3 + 1}"
            day = quarter_end + timedelta(days=5)
            if day < last:
                story.at(day, partial(history.record_delivery, case.id, service_id,
                                      period=period, units=Decimal(str(units)),
                                      caller=case.caller, occurred_on=day))
                self.summary.counts["deliveries"] += 1
            quarter_end = _quarter_end(quarter_end + timedelta(days=1))
        if ended is not None and ended < closes:
            story.at(ended, partial(history.end_service, case.id, service_id, reason="beendet",
                                    caller=case.caller, occurred_on=ended))

    def reason(self, progress: float) -> str:
        if progress > 0.9:
            weights = (55, 25, 8, 6, 6)
        elif progress > 0:
            weights = (25, 40, 17, 9, 9)
        else:
            weights = (8, 22, 45, 12, 13)
        return self.rng.choices(list(ClosureReason), weights=weights)[0].value


def _busiest(bookings: list[tuple[date, date]], start: date, end: date) -> int:
    """The most services running at one time between `start` and `end` (both included)."""
    changes = sorted(change for first, last in bookings if first <= end and last >= start
                     for change in ((max(first, start), 1),
                                    (min(last, end) + timedelta(days=1), -1)))
    running = busiest = 0
    for _, change in changes:
        running += change
        busiest = max(busiest, running)
    return busiest


def _quarter_end(day: date) -> date:
    month = ((day.month - 1) // 3 + 1) * 3
    following = date(day.year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def seed_cases(cases: Cases, agreements: list[dict[str, Any]], *, count: int = 3000,
               seed: int = 2026, today: date) -> SeedSummary:
    """Register clients and open `count` cases with their histories up to `today`."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    history = cases.import_history()
    town = _Municipality(rng, agreements, today, history)
    openings = sorted(today - timedelta(days=rng.randint(7, 730)) for _ in range(count))
    for recorded, opened_on in enumerate(openings, start=1):
        again = town.returning(opened_on)
        if again is None:
            field_of_action = rng.choices(list(FIELDS), weights=list(FIELDS.values()))[0].value
            district = rng.choice(DISTRICTS)
        else:
            client_id, field_of_action, district = again
        team = TEAMS[district]
        caller = Caller.of(Principal(f"demo-{team}-{rng.randint(1, 3)}", Role.CASEWORKER,
                                     team=team))
        if again is None:
            client_id = town.client(field_of_action, opened_on, caller)
        last_closure = town.last_closure(client_id, opened_on)
        case = _Case(history.open_case(
            client_id=client_id, field_of_action=field_of_action,
            target_groups=[rng.choice(TARGET_GROUPS[field_of_action])], district=district,
            legal_basis=LEGAL_BASES[FieldOfAction(field_of_action)], caller=caller,
            occurred_on=opened_on, last_closure=last_closure),
            client_id, field_of_action, district, caller)
        town.summary.counts["reentries"] += (last_closure is not None and
                                             within_reentry_window(last_closure, opened_on))
        town.story(case, opened_on).run(today)
        if recorded % BATCH == 0:
            history.save()
    history.save()
    town.summary.counts["cases"] = count
    return town.summary
