"""Demo data for `wirkung dev`: a municipality, generated deterministically.

Agreements are recorded through the agreements application (straight into its
event store; the running service relays them); cases go through the cases
API. Either way the events flow through relay, broker and projections like
real ones.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from services.agreements.application import Agreements
from shared.auth import Role, mint_token
from shared.eventstore import event_store_environment
from shared.vocabulary import AgeBand, FieldOfAction
from wirkung.demo_agreements import seed_agreements

DISTRICTS = ("Nordstadt", "Südviertel", "Altstadt", "Weststadt")
TEAMS = {"Nordstadt": "asd-nord", "Südviertel": "asd-sued", "Altstadt": "asd-mitte",
         "Weststadt": "asd-west"}
LEGAL_BASES = {
    FieldOfAction.JUGEND: "SGB VIII §27", FieldOfAction.SOZIALES: "SGB XII §67",
    FieldOfAction.WOHNEN: "SGB XII §67", FieldOfAction.ARBEIT: "SGB II §16a",
    FieldOfAction.BILDUNG: "SGB VIII §13", FieldOfAction.GESUNDHEIT: "SGB V §20",
}
MARKER = "demo-seeded"


def seed_demo(home: Path, urls: dict[str, str], secret: str, database_urls: dict[str, str],
              *, cases: int = 120, seed: int = 2026) -> None:
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
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    with httpx.Client(timeout=30.0) as client:
        start = date(2025, 1, 1)
        for number in range(cases):
            district = rng.choice(DISTRICTS)
            team = TEAMS[district]
            field = rng.choice(list(FieldOfAction))
            caseworker = mint_token(secret, role=Role.CASEWORKER, team=team,
                                    subject=f"demo-{team}")
            _post(client, f"{urls['cases']}/cases", caseworker, {
                "client_pseudonym": f"p-{rng.getrandbits(40):010x}",
                "field_of_action": field.value,
                "target_groups": [rng.choice(["Familien", "junge Erwachsene", "Alleinerziehende",
                                              "Wohnungslose", "Ältere"])],
                "district": district, "team": team, "legal_basis": LEGAL_BASES[field],
                "age_band": rng.choice(list(AgeBand)).value,
                "occurred_on": (start + timedelta(days=number * 5)).isoformat(),
            })
    summary = (f"40 providers, {len(signed)} signed agreements with four quarters of "
               f"reports, {cases} cases")
    marker.write_text(f"seed={seed}: {summary}\n")
    print(f"Demo data: {summary} ({time.monotonic() - started:.0f}s).", flush=True)


def _post(client: httpx.Client, url: str, token: str, body: dict[str, object]) -> None:
    response = client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
