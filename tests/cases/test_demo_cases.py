"""The demo cases: deterministic, plausible, and within every rule a caseworker meets."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from services.cases.application import Cases
from services.cases.application.sealing import with_texts
from services.cases.domain import FREE_TEXT, AgreementOnRecord, Case, Client, age_band_on
from tests.cases.fakes import in_memory_cases
from wirkung.demo_cases import SeedSummary, seed_cases

TODAY = date(2026, 11, 20)
AGREEMENTS: list[dict[str, Any]] = [
    {"id": f"00000000-0000-4000-8000-{number:012d}", "field_of_action": field,
     "term_start": "2025-01-01", "term_end": "2026-12-31", "capacity": capacity,
     "districts": districts}
    for number, (field, capacity, districts) in enumerate([
        ("jugend", 12, ["Nordstadt", "Altstadt"]), ("jugend", 8, []),
        ("soziales", 10, []), ("wohnen", 6, []), ("arbeit", 10, []), ("bildung", 5, []),
        ("gesundheit", 5, ["Südviertel"])])
]


def seeded(count: int = 300, seed: int = 2026) -> tuple[SeedSummary, list[Any], Any]:
    app = in_memory_cases()
    summary = seed_cases(app.cases, AGREEMENTS, count=count, seed=seed, today=TODAY)
    recorder, mapper = app.cases.recorder, app.cases.mapper
    events = [mapper.to_domain_event(n) for n in recorder.select_notifications(0, 10**7)]
    return summary, [opened(app.cases, event) for event in events], app


def opened(cases: Cases, event: Any) -> Any:
    """The event with its free text as written (the store holds it sealed)."""
    fields = FREE_TEXT.get(type(event))
    if not fields:
        return event
    return with_texts(event, fields, cases.texts(cases.repository.get(event.originator_id)))


@pytest.fixture(scope="module")
def demo() -> tuple[SeedSummary, list[Any], Any]:
    return seeded()


def facts(events: list[Any]) -> list[tuple[Any, ...]]:
    """What happened, without the random aggregate ids and recording times."""
    return [(type(e).__qualname__, e.occurred_on, getattr(e, "client_pseudonym", None),
             getattr(e, "level", None), str(getattr(e, "goal_id", "")),
             getattr(e, "reason", None)) for e in events]


def test_the_same_seed_makes_the_same_demo_and_another_seed_another(
        demo: tuple[SeedSummary, list[Any], Any]) -> None:
    summary, events, _ = demo
    again, same_events, _ = seeded()
    _, other_events, _ = seeded(seed=7)

    assert again.counts == summary.counts
    assert facts(same_events) == facts(events)
    assert facts(other_events) != facts(events)


def test_it_opens_the_cases_over_the_two_years_before_today_and_nothing_after(
        demo: tuple[SeedSummary, list[Any], Any]) -> None:
    summary, events, _ = demo
    opened = [e for e in events if isinstance(e, Case.Opened)]

    assert summary.counts["cases"] == len(opened) == 300
    assert min(e.occurred_on for e in opened) >= TODAY - timedelta(days=730)
    assert max(e.occurred_on for e in events) <= TODAY


def test_each_clients_data_is_sealed_and_the_age_band_fits_the_birth_date(
        demo: tuple[SeedSummary, list[Any], Any]) -> None:
    _, events, app = demo
    births = {e.pseudonym: app.vault.read(e.originator_id).birth_date
              for e in events if isinstance(e, Client.Registered)}

    for opened in (e for e in events if isinstance(e, Case.Opened)):
        assert opened.age_band == age_band_on(births[opened.client_pseudonym],
                                              opened.occurred_on)


def test_services_run_only_under_agreements_that_admit_them_and_never_overbooked(
        demo: tuple[SeedSummary, list[Any], Any]) -> None:
    _, events, _ = demo
    terms = {UUID(a["id"]): a for a in AGREEMENTS}
    fields = {e.originator_id: e.field_of_action for e in events
              if isinstance(e, Case.Opened)}
    running: dict[tuple[UUID, UUID], tuple[UUID, date]] = {}
    spans: dict[UUID, list[tuple[date, date]]] = defaultdict(list)
    for event in events:
        if isinstance(event, Case.ServiceAssigned):
            agreement = terms[event.agreement_id]
            record = AgreementOnRecord(
                agreement_id=event.agreement_id, field_of_action=agreement["field_of_action"],
                pricing_unit="hour", capacity=agreement["capacity"],
                term_start=date(2025, 1, 1), term_end=date(2026, 12, 31),
                signed_on=date(2025, 1, 1))
            assert record.is_active_on(event.start_date)
            assert record.field_of_action == fields[event.originator_id]
            running[(event.originator_id, event.service_id)] = (event.agreement_id,
                                                                event.start_date)
        ended = ([event.service_id] if isinstance(event, Case.ServiceEnded)
                 else event.ended_service_ids if isinstance(event, Case.Closed) else [])
        for service_id in ended:
            agreement_id, start = running.pop((event.originator_id, service_id))
            spans[agreement_id].append((start, event.occurred_on))
    for agreement_id, start in running.values():
        spans[agreement_id].append((start, TODAY))
    for agreement_id, booked in spans.items():
        busiest = max(sum(1 for s, e in booked if s <= day <= e)
                      for day in {s for s, _ in booked})
        assert busiest <= terms[agreement_id]["capacity"]


def test_the_demo_has_help_plans_outcomes_reopenings_and_reentries(
        demo: tuple[SeedSummary, list[Any], Any]) -> None:
    summary, events, _ = demo
    kinds = Counter(type(e).__qualname__ for e in events)
    reasons = Counter(e.reason for e in events if isinstance(e, Case.Closed))

    assert kinds["Case.Assessed"] > 250
    assert kinds["Case.GoalSet"] > 300
    assert kinds["Case.GoalReviewed"] > kinds["Case.GoalSet"]
    assert kinds["Case.DeliveryRecorded"] > kinds["Case.ServiceAssigned"] > 50
    assert set(reasons) == {"planned_goals_achieved", "planned_partially", "dropped_out",
                            "transferred", "moved"}
    assert kinds["Case.Reopened"] == summary.counts["reopened"] > 0
    assert sum(e.reentry for e in events if isinstance(e, Case.Opened)) == summary.counts[
        "reentries"] > 0
    assert summary.counts["services_skipped_fully_booked"] > 0
