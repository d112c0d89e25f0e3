"""The demo agreements: terms and reports through the two years that end with `last_year`."""

from __future__ import annotations

from datetime import date

from services.agreements.application import Agreements
from wirkung.demo_agreements import seed_agreements


def seeded(**years: int) -> tuple[list[dict[str, object]], set[str]]:
    agreements = Agreements(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    signed = seed_agreements(agreements, providers=4, per_provider=2, **years)
    events = [agreements.mapper.to_domain_event(notification)
              for notification in agreements.recorder.select_notifications(0, 10**6)]
    return signed, {event.period for event in events if hasattr(event, "period")}


def test_the_demo_runs_through_2025_and_2026_by_default() -> None:
    signed, periods = seeded()

    assert {(a["term_start"], a["term_end"]) for a in signed} == {
        (date(2025, 1, 1), date(2026, 12, 31))}
    assert periods == {"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}


def test_the_demo_moves_whole_years_with_its_last_year() -> None:
    signed, periods = seeded(last_year=2028)

    assert {(a["term_start"], a["term_end"]) for a in signed} == {
        (date(2027, 1, 1), date(2028, 12, 31))}
    assert periods == {"2027-Q4", "2028-Q1", "2028-Q2", "2028-Q3"}
