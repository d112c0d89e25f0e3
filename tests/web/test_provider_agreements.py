"""A provider reads its own agreements in the browser, with the places its services take;
another provider's agreement is not there for it."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect

from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.conftest import Seed
from tests.web.people import a_case, sign_in_as
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def a_service_under(stack: Stack, agreement_id: str) -> None:
    """A caseworker assigns a service of a new case to the agreement: one more place taken."""
    token = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-nord")
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        api.post(f"/cases/{a_case(stack)}/services", json={
            "agreement_id": agreement_id, "units_planned": 20,
            "start_date": TODAY.isoformat()}).raise_for_status()


def another_providers_agreement(stack: Stack) -> str:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-web")
    with httpx.Client(base_url=stack.urls["agreements"], timeout=15,
                      headers={"Authorization": f"Bearer {manager}"}) as api:
        provider = api.post("/providers", json={
            "name": "Wohnhilfe Süd e.V.", "legal_form": "e.V.", "fields_of_action": ["wohnen"]})
        provider.raise_for_status()
        agreement = api.post("/agreements", json={
            "provider_id": provider.json()["id"], "title": "Betreutes Wohnen Süd",
            "budget_product_code": "3.1.5.01", "field_of_action": "wohnen",
            "term_start": date(TODAY.year, 1, 1).isoformat(),
            "term_end": date(TODAY.year, 12, 31).isoformat(),
            "annual_budget_cents": 9_000_000, "pricing_unit": "day",
            "unit_price_cents": 8000, "capacity": 6})
        agreement.raise_for_status()
        agreement_id: str = agreement.json()["id"]
        return agreement_id


def occupancy(stack: Stack, agreement_id: str) -> dict[str, int]:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-web")
    answer = httpx.get(f"{stack.urls['cases']}/agreement-occupancy",
                       params={"agreement_id": agreement_id},
                       headers={"Authorization": f"Bearer {manager}"})
    answer.raise_for_status()
    [places] = answer.json()["items"]
    return {key: int(places[key]) for key in ("capacity", "places_taken", "places_free")}


def test_provider_sees_its_agreements_with_places_and_goals_and_not_another_providers(
        page: Page, stack: Stack, seed: Seed) -> None:
    a_service_under(stack, seed.agreement_id)
    places = occupancy(stack, seed.agreement_id)
    other = another_providers_agreement(stack)
    sign_in_as(page, stack, Role.PROVIDER, provider=seed.provider_name)

    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Vereinbarungen")
    row = page.get_by_role("row").filter(has_text=seed.agreement_title)
    expect(row).to_contain_text("aktiv")
    expect(row).to_contain_text("240.000,00 €")
    expect(row).to_contain_text(
        f"{places['places_taken']} von 12 belegt, {places['places_free']} frei")
    # The goal's indicator is of the target-group level, which a provider's catalog leaves out.
    expect(row).to_contain_text("70 % enden planmäßig: mindestens 0,7")
    assert places["places_taken"] >= 1
    expect(page.get_by_text("Betreutes Wohnen Süd")).to_have_count(0)
    assert_accessible(page, "meine-vereinbarungen")

    row.get_by_role("link", name=seed.agreement_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.agreement_title)
    expect(page.get_by_role("table", name="Wirkungsziele")).to_contain_text(
        "70 % enden planmäßig")
    expect(page.get_by_text(f"{places['places_taken']} von 12 belegt")).to_be_visible()
    expect(page.locator("form")).to_have_count(2)  # only the language and the sign-out
    assert_accessible(page, "meine-vereinbarung")

    for path in (f"/meine-vereinbarungen/{other}", "/meine-vereinbarungen/keine-id",
                 f"/vereinbarungen/{seed.agreement_id}", "/traeger"):
        answer = page.goto(f"{stack.web}{path}")
        assert answer is not None
        assert answer.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
        expect(page.get_by_text("Betreutes Wohnen Süd")).to_have_count(0)
