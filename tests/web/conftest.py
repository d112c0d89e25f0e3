"""Browser tests: the four services as real processes, Debian's Chromium driving the pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from shared.auth import Role, mint_token
from tests.support import Infrastructure
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.people import a_case
from tests.web.stack import TODAY, Stack, running_stack


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
    provider_id: str
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
            # A term around today, so that a service assigned today falls into it.
            "term_start": date(TODAY.year, 1, 1).isoformat(),
            "term_end": date(TODAY.year + 1, 12, 31).isoformat(),
            "annual_budget_cents": 24_000_000, "pricing_unit": "hour",
            "unit_price_cents": 6200, "capacity": 12,
            "impact_goals": [{"text": "70 % enden planmäßig",
                              "indicator_id": "planned_closure_rate", "comparison": ">=",
                              "target_value": "0.7"}]})
        agreement.raise_for_status()
        agreement_id = agreement.json()["id"]
        api.post(f"/agreements/{agreement_id}/signature",
                 headers={"If-Match": '"1"'}).raise_for_status()
    _until_offered(stack, agreement_id)
    return Seed(provider_name="Jugendhilfe Nordlicht e.V.", provider_id=provider.json()["id"],
                agreement_id=agreement_id,
                agreement_title=title)


# Per module: while the sync Playwright runs, its event loop blocks any asyncio use in this
# thread (the stack's setup, the async tests of other folders), so it lives no longer.
def _until_offered(stack: Stack, agreement_id: str, within: float = 60.0) -> None:
    """Wait until the cases service's replica offers the agreement (it comes by the topic)."""
    token = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-seed")
    probe = a_case(stack)
    deadline = time.monotonic() + within
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        while time.monotonic() < deadline:
            offered = api.get(f"/cases/{probe}/assignable-agreements")
            offered.raise_for_status()
            if any(item["agreement_id"] == agreement_id for item in offered.json()["items"]):
                return
            time.sleep(0.3)
    raise AssertionError(f"the cases service did not offer {agreement_id} within {within}s")


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
