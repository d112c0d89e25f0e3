"""`wirkung simulate`: a plausible year of a city, deterministic for a seed.

The agreements, their providers and reports are recorded through the agreements
application's commands, by a contract manager and each agreement's provider. The
clients and cases through the cases application's history import, by a caseworker
of each case's team, saved in batches: a large city's year is about 4 million
events. The simulated clients have no personal data: they are registered by
pseudonym (each with its key), and the import is told each case's age band. A
service is assigned under an agreement with a place free, as the import checks.
Ids, client keys and the nonces of sealed texts are drawn from the seed, so that a
seed stores the same events. The services relay and project them as usual.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain
from uuid import UUID

from pydantic import SecretStr

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
from services.cases.application import AgreementOnRecord, Cases, HistoryImport, Randomness
from services.cases.settings import CasesSettings
from shared.clock import SystemClock
from shared.eventstore import single_writer_environment
from shared.principals import Caller, Principal, Role
from shared.vocabulary import (
    AgeBand,
    ClosureReason,
    Comparison,
    FieldOfAction,
    PricingUnit,
)

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


class SeededRandomness(Randomness):
    """Client keys and nonces drawn from the seed: a simulated year's texts are as secret as
    its seed (and need be no more)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}/keys")  # noqa: S311 - not secrets, on purpose

    def key(self) -> bytes:
        return self._rng.randbytes(32)

    def nonce(self) -> bytes:
        return self._rng.randbytes(12)


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


def simulate(agreements_url: str, cases_url: str, *, key_encryption_key: str, city: str,
             year: int, seed: int) -> Counts:
    """Simulate the year into the agreements and cases databases at these URLs, the
    clients' keys wrapped by the cases service's key-encryption key."""
    rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not secrets
    providers, agreement_count, case_count = SCALES[city]
    counts = Counts()
    agreements = Agreements(env=single_writer_environment(agreements_url),
                            ids=lambda: _drawn_id(rng))
    cases = Cases.from_settings(
        CasesSettings(database_url=cases_url,
                      key_encryption_key=SecretStr(key_encryption_key)),
        clock=SystemClock(), randomness=SeededRandomness(seed))
    try:
        signed = _agreements(agreements, rng, year, providers, agreement_count, counts)
        _cases(cases.import_history(), rng, year, case_count, signed, counts)
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


def _cases(history: HistoryImport, rng: random.Random, year: int, count: int,
           agreements: list[AgreementDetails], counts: Counts) -> None:
    progress = Progress(count, "cases")
    by_field: dict[str, list[AgreementOnRecord]] = {}
    for agreement in agreements:
        by_field.setdefault(agreement.terms["field_of_action"], []).append(
            _on_record(agreement))
    places = _Places(year, agreements)
    clients: dict[str, UUID] = {}  # by pseudonym
    pseudonyms: list[str] = []
    # Saves of a few thousand events each: far larger ones stall psycopg's pipeline.
    for start in range(0, count, CASES_PER_SAVE):
        for _ in range(start, min(start + CASES_PER_SAVE, count)):
            if pseudonyms and rng.random() < 0.08:
                pseudonym = rng.choice(pseudonyms)  # a client known already
            else:
                pseudonym = f"p-{rng.getrandbits(48):012x}"
                pseudonyms.append(pseudonym)
                clients[pseudonym] = history.register_client(
                    pseudonym=pseudonym, personal_data=None, gender_category=None,
                    caller=_caseworker("asd"), occurred_on=date(year, 1, 1))
                counts.clients += 1
            field = rng.choice(sorted(by_field))
            _case(history, rng, year, clients[pseudonym], by_field[field],
                  rng.choice(by_field[field]), places)
        counts.events += history.save()
        progress.add(min(CASES_PER_SAVE, count - start))
    counts.cases = count


def _case(history: HistoryImport, rng: random.Random, year: int, client_id: UUID,
          of_the_field: list[AgreementOnRecord], drawn: AgreementOnRecord,
          places: _Places) -> None:
    """A case of the year, under the drawn agreement if it has a place, else another of the
    field that has one (else without a service)."""
    opened = date(year, 1, 1) + timedelta(days=rng.randrange(0, 330))
    last = date(year, 12, 31)
    district = rng.choice(places.districts[drawn.agreement_id])
    caller = _caseworker(f"asd-{DISTRICTS.index(district) % 6}")
    age_band = rng.choice(list(AgeBand)).value
    case = history.open_case(client_id=client_id, field_of_action=drawn.field_of_action,
                             target_groups=["Familien"], district=district,
                             legal_basis="SGB VIII §27", caller=caller, occurred_on=opened,
                             age_band=age_band, case_id=_drawn_id(rng))
    day = opened + timedelta(days=rng.randrange(3, 15))
    history.assess(case, summary="", caller=caller, occurred_on=min(day, last))
    goals = [_drawn_id(rng) for _ in range(3)]
    for goal in goals:
        history.set_goal(case, goal_id=goal, title="Ziel", levels=LEVELS, baseline=-1,
                         weight=rng.choice((1, 1, 2)), caller=caller,
                         occurred_on=min(day, last))
    service = _drawn_id(rng)
    start = min(day + timedelta(days=rng.randrange(1, 20)), last)
    duration = rng.randrange(60, 300)
    end = start + timedelta(days=duration)
    # The places taken then: the most services of the agreement running at once while this
    # one would run (within the year), among those recorded so far.
    admitting = places.admitting(drawn, of_the_field, district, start, min(end, last))
    if admitting is not None:
        agreement, taken = admitting
        history.assign_service(case, service_id=service, agreement=agreement,
                               running_services=taken, units_planned=80, start_date=start,
                               caller=caller, occurred_on=start)
    day, level = start, -1
    while day + timedelta(days=7) <= min(end, last):
        day += timedelta(days=7)
        units = rng.randrange(2, 12)  # drawn either way: the rest of the year stays the same
        if admitting is not None:
            history.record_delivery(case, service, period=f"{day.year}-{day.month:02d}",
                                    units=units, caller=caller, occurred_on=day)
        if (day - start).days % 28 == 0:
            level = max(-2, min(2, level + rng.choice((-1, 0, 1, 1))))
            for goal in goals:
                history.review_goal(case, goal, level=level, note="", caller=caller,
                                    occurred_on=day)
    if end <= last:
        history.close_case(case, reason=rng.choice(CLOSURES).value, caller=caller,
                           occurred_on=end)


class _Places:
    """The places each agreement's services take, day by day through the year: a byte a day
    (the simulated agreements have fewer than 160 places)."""

    def __init__(self, year: int, agreements: list[AgreementDetails]) -> None:
        self.first = date(year, 1, 1)
        self.days = (date(year, 12, 31) - self.first).days + 1
        self.taken: dict[UUID, bytearray] = {}
        self.districts = {agreement.id: agreement.terms["districts"]
                          for agreement in agreements}

    def admitting(self, drawn: AgreementOnRecord, of_the_field: list[AgreementOnRecord],
                  district: str, start: date, until: date) -> tuple[AgreementOnRecord, int] | None:
        """The drawn agreement if a place is free from `start` to `until`, else the first of
        the field with one (those of the district first), booked; with the places taken."""
        first, end = (start - self.first).days, (until - self.first).days + 1
        near = (a for a in of_the_field if district in self.districts[a.agreement_id])
        for agreement in chain((drawn,), near, of_the_field):
            days = self.taken.setdefault(agreement.agreement_id, bytearray(self.days))
            taken = max(days[first:end])
            if agreement.places_left(taken):
                days[first:end] = days[first:end].translate(_ONE_MORE)
                return agreement, taken
        return None


_ONE_MORE = bytes(range(1, 256)) + b"\xff"  # each day's count up by one


def _on_record(agreement: AgreementDetails) -> AgreementOnRecord:
    terms = agreement.terms
    return AgreementOnRecord(
        agreement_id=agreement.id, field_of_action=terms["field_of_action"],
        pricing_unit=terms["pricing_unit"], capacity=terms["capacity"],
        term_start=terms["term_start"], term_end=terms["term_end"],
        signed_on=agreement.signed_on)


def _caseworker(team: str) -> Caller:
    return Caller.of(Principal(ACTOR, Role.CASEWORKER, team=team))
