"""How people sign in on the development sign-in page, as a person would; and the cases
they find there, opened through the API as a test's setup."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
from playwright.sync_api import Page

from shared.auth import Role, mint_token
from tests.web.stack import TODAY, Stack


def sign_in_as_caseworker(page: Page, stack: Stack, team: str = "asd-nord",
                          next_path: str = "/") -> None:
    page.goto(f"{stack.web}/anmelden?next={next_path}")
    page.get_by_label("Fallmanagement", exact=True).check()
    page.get_by_label("Team (für Fallmanagement)").select_option(team)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


# The role names as the development sign-in page shows them.
ROLE_LABELS = {Role.PROVIDER: "Freier Träger", Role.CONTRACT_MANAGER: "Sozialplanung / Controlling",
               Role.AUDITOR: "Rechnungsprüfung", Role.DATA_PROTECTION_OFFICER: "Datenschutz"}


def sign_in_as(page: Page, stack: Stack, role: Role, *, provider: str | None = None,
               next_path: str = "/") -> None:
    """Sign in with a role other than casework; a provider by its name in the list."""
    page.goto(f"{stack.web}/anmelden?next={next_path}")
    page.get_by_label(ROLE_LABELS[role], exact=True).check()
    if provider is not None:
        page.get_by_label("Träger (für Freie Träger)").select_option(label=provider)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def a_case(stack: Stack, team: str = "asd-nord", opened_on: date | None = None) -> str:
    """A case of `team`, opened through the API as the setup of a test."""
    token = mint_token(stack.secret, role=Role.CASEWORKER, team=team, subject=f"cw-{team}")
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        client = api.post("/clients", json={
            "name": f"Tim Wagner {uuid.uuid4().hex[:6]}", "birth_date": "2011-03-02",
            "address": "Am Markt 2, 12345 Musterstadt"})
        client.raise_for_status()
        case = api.post("/cases", json={
            "client_id": client.json()["id"], "field_of_action": "jugend",
            "district": "Nordstadt", "legal_basis": "SGB VIII §27",
            "occurred_on": (opened_on or TODAY).isoformat()})
        case.raise_for_status()
        case_id: str = case.json()["id"]
        return case_id
