"""The day the installation counts as today (`WIRKUNG_FIXED_DAY`), in every service."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from services.web.main import create_app
from services.web.person import Person
from services.web.session import COOKIE, SessionCipher
from services.web.settings import WebSettings
from shared.auth import Role, mint_token
from tests.web.conftest import Seed
from tests.web.people import sign_in_as
from tests.web.stack import TODAY, Stack

# A day the machine's clock is not on when the suite runs.
FAR_DAY = date(2031, 5, 15)


def test_the_web_service_starts_its_pages_on_the_fixed_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_FIXED_DAY", FAR_DAY.isoformat())
    key = WebSettings.new_session_key()
    app = create_app(WebSettings(session_key=key, secure_cookies=False, auth_secret="secret"))
    auditor = Person(token="unused", subject="au-1", role=Role.AUDITOR.value,
                     expires_at=int(time.time()) + 600)

    with TestClient(app) as web:
        web.cookies.set(COOKIE, SessionCipher(key).seal({"person": auditor.as_session()}))
        form = web.get("/revision/pruefbericht")

    assert form.status_code == 200, form.text
    assert f'value="{FAR_DAY.year}"' in form.text



@pytest.mark.integration
@pytest.mark.slow
def test_the_stack_refuses_a_report_of_a_quarter_ending_after_its_fixed_day(
        stack: Stack, seed: Seed) -> None:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-fixed-day")
    provider = mint_token(stack.secret, role=Role.PROVIDER, provider_id=seed.provider_id,
                          subject="provider-fixed-day")
    with httpx.Client(base_url=stack.urls["agreements"], timeout=15) as api:
        drafted = api.post("/agreements", headers={"Authorization": f"Bearer {manager}"}, json={
            "provider_id": seed.provider_id, "title": "Schulbegleitung Fester Tag",
            "budget_product_code": "3.6.3.03", "field_of_action": "jugend",
            "districts": ["Nordstadt"], "target_groups": ["Schulkinder"],
            "term_start": date(TODAY.year, 1, 1).isoformat(),
            "term_end": date(TODAY.year, 12, 31).isoformat(),
            "annual_budget_cents": 1_000_000, "pricing_unit": "hour",
            "unit_price_cents": 5000, "capacity": 4, "occurred_on": f"{TODAY.year - 1}-11-01",
            "reporting_obligation": {"frequency": "quarterly", "due_days": 30},
            "impact_goals": [{"text": "80 % besuchen regelmäßig die Schule",
                              "indicator_id": "goal_attainment_rate", "comparison": ">=",
                              "target_value": "0.8"}]})
        drafted.raise_for_status()
        path = f"/agreements/{drafted.json()['id']}"
        api.post(f"{path}/signature", headers={"Authorization": f"Bearer {manager}",
                                               "If-Match": '"1"'},
                 json={"occurred_on": f"{TODAY.year - 1}-12-01"}).raise_for_status()
        early = api.post(f"{path}/reports", headers={"Authorization": f"Bearer {provider}"},
                         json={"period": f"{TODAY.year}-Q4", "participants": 4,
                               "units_delivered": "10", "expenditure_cents": 50_000,
                               "outcomes": [{"indicator_id": "goal_attainment_rate",
                                             "achieved": 3, "measured": 4}]})

    assert early.status_code == 409, early.text
    assert early.json()["rule"] == "report_after_period_end"


@pytest.mark.integration
@pytest.mark.slow
def test_the_auditor_finds_the_report_form_on_the_stacks_year(page: Page, stack: Stack) -> None:
    sign_in_as(page, stack, Role.AUDITOR)
    page.goto(f"{stack.web}/revision/pruefbericht")

    expect(page.get_by_label("Jahr", exact=True)).to_have_value(str(TODAY.year))
