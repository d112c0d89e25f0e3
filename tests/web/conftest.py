"""Browser tests: the four services as real processes, Debian's Chromium driving the pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from shared.auth import Role, mint_token
from tests.support import Infrastructure
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(infrastructure: Infrastructure, secret: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(infrastructure, secret, tmp_path_factory.mktemp("web")) as running:
        yield running


@dataclass(frozen=True)
class Seed:
    """What the contract manager set up before the caseworkers start: a provider with an
    active agreement for youth welfare in the Nordstadt."""

    provider_name: str
    agreement_id: str
    agreement_title: str


@pytest.fixture(scope="session")
def seed(stack: Stack) -> Seed:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-web")
    headers = {"Authorization": f"Bearer {manager}"}
    with httpx.Client(base_url=stack.urls["agreements"], headers=headers, timeout=15) as api:
        provider = api.post("/providers", json={
            "name": "Jugendhilfe Nordlicht e.V.", "legal_form": "e.V.",
            "fields_of_action": ["jugend"]})
        provider.raise_for_status()
        title = "Ambulante Erziehungshilfe Nordstadt"
        agreement = api.post("/agreements", json={
            "provider_id": provider.json()["id"], "title": title,
            "budget_product_code": "3.6.3.01", "field_of_action": "jugend",
            "districts": ["Nordstadt"], "target_groups": ["Familien"],
            "term_start": "2026-01-01", "term_end": "2027-12-31",
            "annual_budget_cents": 24_000_000, "pricing_unit": "hour",
            "unit_price_cents": 6200, "capacity": 12,
            "impact_goals": [{"text": "70 % enden planmäßig",
                              "indicator_id": "planned_closure_rate", "comparison": ">=",
                              "target_value": "0.7"}]})
        agreement.raise_for_status()
        agreement_id = agreement.json()["id"]
        api.post(f"/agreements/{agreement_id}/signature",
                 headers={"If-Match": '"1"'}).raise_for_status()
    return Seed(provider_name="Jugendhilfe Nordlicht e.V.", agreement_id=agreement_id,
                agreement_title=title)


# Per module: while the sync Playwright runs, its event loop blocks any asyncio use in this
# thread (the stack's setup, the async tests of other folders), so it lives no longer.
@pytest.fixture(scope="module")
def playwright(stack: Stack) -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def new_context(browser: Browser) -> BrowserContext:
    """A browser as a German office PC has it."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    yield context.new_page()
    context.close()
