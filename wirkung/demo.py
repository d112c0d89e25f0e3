"""Demo data for `wirkung dev`: a small municipality, generated deterministically.

It goes through the public HTTP API like any client, so the events flow
through relay, broker and projection exactly as real ones do.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import httpx

from shared.auth import Role, mint_token
from shared.vocabulary import AgeBand, FieldOfAction

DISTRICTS = ("Nordstadt", "Südviertel", "Altstadt", "Weststadt")
TEAMS = {"Nordstadt": "asd-nord", "Südviertel": "asd-sued", "Altstadt": "asd-mitte",
         "Weststadt": "asd-west"}
LEGAL_BASES = {
    FieldOfAction.JUGEND: "SGB VIII §27", FieldOfAction.SOZIALES: "SGB XII §67",
    FieldOfAction.WOHNEN: "SGB XII §67", FieldOfAction.ARBEIT: "SGB II §16a",
    FieldOfAction.BILDUNG: "SGB VIII §13", FieldOfAction.GESUNDHEIT: "SGB V §20",
}
PROVIDERS = (
    ("Jugendhilfe Nord e.V.", "e.V.", ["jugend", "bildung"]),
    ("Wohnraum für alle gGmbH", "gGmbH", ["wohnen", "soziales"]),
    ("Arbeit & Zukunft gGmbH", "gGmbH", ["arbeit"]),
    ("Caritasverband Musterstadt e.V.", "e.V.", ["soziales", "gesundheit", "wohnen"]),
    ("Diakonie im Quartier e.V.", "e.V.", ["jugend", "soziales"]),
    ("Lernwerkstatt Süd e.V.", "e.V.", ["bildung"]),
    ("Gesund im Kiez gUG", "gUG", ["gesundheit"]),
    ("AWO Kreisverband e.V.", "e.V.", ["jugend", "arbeit", "soziales"]),
)
MARKER = "demo-seeded"


def seed_demo(home: Path, urls: dict[str, str], secret: str, *, cases: int = 120,
              seed: int = 2026) -> None:
    """Register the demo providers and open the demo cases, once per data directory."""
    marker = home / MARKER
    if marker.exists():
        print("Demo data is already there.", flush=True)
        return
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    manager = mint_token(secret, role=Role.CONTRACT_MANAGER, subject="demo-controlling")
    with httpx.Client(timeout=30.0) as client:
        for name, legal_form, fields in PROVIDERS:
            _post(client, f"{urls['agreements']}/providers", manager, {
                "name": name, "legal_form": legal_form, "fields_of_action": fields,
                "contact": f"kontakt@{name.split()[0].lower()}.example",
                "occurred_on": "2025-01-02",
            })
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
    marker.write_text(f"seed={seed} providers={len(PROVIDERS)} cases={cases}\n")
    print(f"Demo data: {len(PROVIDERS)} providers, {cases} cases.", flush=True)


def _post(client: httpx.Client, url: str, token: str, body: dict[str, object]) -> None:
    response = client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
