"""Demo data for `wirkung dev`: a municipality, generated deterministically.

Agreements and cases are recorded through the services' applications,
straight into their event stores; the running services relay and project
them like any others.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from services.agreements.application import Agreements
from services.cases.application import Cases
from services.cases.settings import CasesSettings
from shared.clock import SystemClock
from shared.eventstore import event_store_environment
from wirkung.demo_agreements import seed_agreements
from wirkung.demo_cases import seed_cases
from wirkung.dev import development_blind_index_key, development_key_encryption_key

MARKER = "demo-seeded"


def seed_demo(home: Path, database_urls: dict[str, str], *, cases: int = 3000,
              seed: int = 2026) -> None:
    """Record the demo municipality, once per data directory."""
    marker = home / MARKER
    if marker.exists():
        print("Demo data is already there.", flush=True)
        return
    started = time.monotonic()
    agreements = Agreements(env=event_store_environment(database_urls["agreements"]))
    try:
        signed = seed_agreements(agreements, seed=seed)
    finally:
        agreements.close()
    url = database_urls["cases"]
    # Under the running service's keys, so that its search finds the demo's clients.
    settings = CasesSettings(
        database_url=url,
        key_encryption_key=SecretStr(development_key_encryption_key(home)),
        blind_index_key=SecretStr(development_blind_index_key(home)))
    store = Cases.from_settings(settings, clock=SystemClock())
    try:
        generated = seed_cases(store, signed, count=cases, seed=seed, today=date.today())
    finally:
        store.close()
    summary = (f"40 providers, {len(signed)} signed agreements with four quarters of "
               f"reports, {generated.counts['clients']} clients, {cases} cases")
    marker.write_text(f"seed={seed}: {summary}\n")
    print(f"Demo data: {summary} ({time.monotonic() - started:.0f}s).", flush=True)
