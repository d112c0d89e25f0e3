"""Reports in the browser: the provider submits and corrects, the contract manager reviews."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from services.agreements.domain.values import period_label
from shared.auth import Role, mint_token
from shared.vocabulary import ReportingFrequency
from tests.web.browser import assert_accessible
from tests.web.conftest import new_context
from tests.web.people import sign_in_as
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FIGURES = {"participants": 12, "units_delivered": "12.5", "expenditure_cents": 123456,
           "outcomes": [{"indicator_id": "planned_closure_rate", "achieved": 3,
                         "measured": 5}], "narrative": "Gut angelaufen."}


def first_of_month(months_ago: int) -> date:
    today = TODAY
    index = today.year * 12 + today.month - 1 - months_ago
    return date(index // 12, index % 12 + 1, 1)


def last_month() -> str:
    """The monthly period that ended last: due for 60 days after its end, so due now."""
    return period_label(first_of_month(1), ReportingFrequency.MONTHLY)


def manager_api(stack: Stack) -> httpx.Client:
    token = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-berichte")
    return httpx.Client(base_url=stack.urls["agreements"], timeout=15,
                        headers={"Authorization": f"Bearer {token}"})


def provider_api(stack: Stack, provider_id: str) -> httpx.Client:
    token = mint_token(stack.secret, role=Role.PROVIDER, provider_id=provider_id,
                       subject=f"provider-{provider_id[:8]}")
    return httpx.Client(base_url=stack.urls["agreements"], timeout=15,
                        headers={"Authorization": f"Bearer {token}"})


def a_provider_with_an_agreement(stack: Stack, name: str,
                                 due_days: int = 60) -> dict[str, str]:
    """A provider of its own with a signed agreement reporting monthly since last month,
    60 days after each month by default: last month's report is due, not yet overdue."""
    with manager_api(stack) as api:
        provider = api.post("/providers", json={"name": name, "legal_form": "e.V.",
                                                "fields_of_action": ["jugend"]})
        provider.raise_for_status()
        title = f"Jugendtreff {name}"
        agreement = api.post("/agreements", json={
            "provider_id": provider.json()["id"], "title": title,
            "budget_product_code": "3.6.3.01", "field_of_action": "jugend",
            "districts": ["Südstadt"], "target_groups": ["Jugendliche"],
            "term_start": first_of_month(1).isoformat(),
            "term_end": date(TODAY.year + 1, 12, 31).isoformat(),
            "annual_budget_cents": 12_000_000, "pricing_unit": "hour",
            "unit_price_cents": 5500, "capacity": 20,
            "impact_goals": [{"text": "70 % enden planmäßig",
                              "indicator_id": "planned_closure_rate", "comparison": ">=",
                              "target_value": "0.7"}],
            "reporting_obligation": {"frequency": "monthly", "due_days": due_days}})
        agreement.raise_for_status()
        agreement_id = agreement.json()["id"]
        api.post(f"/agreements/{agreement_id}/signature",
                 headers={"If-Match": '"1"'}).raise_for_status()
    return {"provider_id": provider.json()["id"], "name": name, "agreement_id": agreement_id,
            "title": title}


def submitted(stack: Stack, setup: dict[str, str]) -> None:
    with provider_api(stack, setup["provider_id"]) as api:
        api.post(f"/agreements/{setup['agreement_id']}/reports",
                 json={"period": last_month(), **FIGURES}).raise_for_status()


def report_of(stack: Stack, setup: dict[str, str]) -> dict[str, Any]:
    with manager_api(stack) as api:
        path = f"/agreements/{setup['agreement_id']}/reports/{last_month()}"
        report = api.get(path)
        report.raise_for_status()
        history = api.get(f"{path}/history")
        history.raise_for_status()
        return {**report.json(), "events": [entry["type"] for entry in history.json()]}


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def queue_row(page: Page, setup: dict[str, str]) -> Any:
    return page.get_by_role("row").filter(has_text=setup["title"])


def test_provider_submits_a_report_and_the_manager_rejects_then_accepts_its_correction(
        page: Page, browser: Browser, stack: Stack) -> None:
    setup = a_provider_with_an_agreement(stack, unique("Berichtsträger"))
    period = last_month()

    # The provider sees the period due, and submits with mistakes first.
    sign_in_as(page, stack, Role.PROVIDER, provider=setup["name"], next_path="/berichte")
    row = page.get_by_role("row").filter(has_text=period)
    expect(row).to_contain_text("fällig")
    assert_accessible(page, "berichte")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(f"Bericht {period}"))).to_be_visible()
    page.get_by_label("Teilnehmende").fill("zwölf")
    page.get_by_label("Erbrachte Einheiten").fill("12,5")
    page.get_by_label("Ausgaben").fill("1.234,567")
    page.get_by_label("gemessen").fill("5")
    page.get_by_label("erreicht").fill("3")
    page.get_by_label("Sachbericht").fill("Gut angelaufen.")
    page.get_by_role("button", name="Bericht abgeben").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben")
    expect(page.locator("#field-participants-error")).to_contain_text(
        "Bitte eine ganze Zahl angeben.")
    expect(page.locator("#field-expenditure-error")).to_contain_text(
        "Bitte einen Betrag in Euro angeben")
    expect(page.get_by_label("Erbrachte Einheiten")).to_have_value("12,5")
    assert_accessible(page, "bericht-fehler")

    page.get_by_label("Teilnehmende").fill("12")
    page.get_by_label("Ausgaben").fill("1.234,56")
    page.get_by_role("button", name="Bericht abgeben").click()
    expect(page.get_by_text("Der Bericht ist abgegeben.")).to_be_visible()
    expect(page.locator("dd").filter(has_text="1.234,56 €")).to_be_visible()
    expect(page.get_by_text("eingereicht", exact=True)).to_be_visible()
    assert_accessible(page, "bericht-abgegeben")

    # The contract manager finds it in the queue and rejects it, a reason required.
    manager = new_context(browser).new_page()
    sign_in_as(manager, stack, Role.CONTRACT_MANAGER, next_path="/pruefung")
    manager.get_by_label("Träger").select_option(label=setup["name"])
    manager.get_by_role("button", name="Filtern").click()
    entry = queue_row(manager, setup)
    expect(entry).to_contain_text("eingereicht")
    assert_accessible(manager, "pruefung")
    entry.locator("summary", has_text="Ablehnen").click()
    entry.get_by_role("button", name="Bericht ablehnen").click()
    expect(manager.get_by_text("Bitte ausfüllen.")).to_be_visible()
    assert_accessible(manager, "pruefung-fehler")
    entry = queue_row(manager, setup)
    expect(entry.get_by_label("Grund der Ablehnung")).to_be_focused()
    entry.get_by_label("Grund der Ablehnung").fill("Belege der Ausgaben fehlen")
    entry.get_by_role("button", name="Bericht ablehnen").click()
    expect(manager.get_by_text("Der Bericht ist abgelehnt.")).to_be_visible()
    expect(queue_row(manager, setup)).to_have_count(0)

    # The provider sees it rejected with the reason, corrects it and sees what changed.
    page.goto(f"{stack.web}/berichte")
    row = page.get_by_role("row").filter(has_text=period)
    expect(row).to_contain_text("abgelehnt")
    expect(row).to_contain_text("Grund: Belege der Ausgaben fehlen")
    row.get_by_role("link").click()
    expect(page.get_by_text("Grund: Belege der Ausgaben fehlen")).to_be_visible()
    correction = page.locator("#korrektur")
    expect(correction.get_by_label("Ausgaben")).to_have_value("1234,56")
    correction.get_by_label("Ausgaben").fill("1.250,00")
    correction.get_by_label("Teilnehmende").fill("14")
    correction.get_by_role("button", name="Korrektur abgeben").click()
    expect(page.get_by_text("Die Korrektur ist abgegeben.")).to_be_visible()
    changes = page.get_by_role("table", name=re.compile("Fassung 1 und der Fassung 2"))
    expect(changes.get_by_role("row", name=re.compile("Teilnehmende"))).to_contain_text("12")
    expect(changes.get_by_role("row", name=re.compile("Teilnehmende"))).to_contain_text("14 ja")
    expect(changes.get_by_role("row", name=re.compile("Ausgaben"))).to_contain_text("1.250 €")
    expect(changes.get_by_role("row", name=re.compile("Sachbericht"))).to_contain_text("nein")
    assert_accessible(page, "bericht-korrigiert")

    # The manager accepts the correction from the queue.
    manager.reload()
    entry = queue_row(manager, setup)
    expect(entry).to_contain_text("Fassung 2")
    entry.get_by_role("button", name="Annehmen").click()
    expect(manager.get_by_text("Der Bericht ist angenommen.")).to_be_visible()
    expect(queue_row(manager, setup)).to_have_count(0)
    page.goto(f"{stack.web}/berichte")
    expect(page.get_by_role("row").filter(has_text=period)).to_contain_text("angenommen")
    assert report_of(stack, setup)["events"] == [
        "ProviderReport.Submitted", "ProviderReport.Rejected", "ProviderReport.Resubmitted",
        "ProviderReport.Accepted"]
    manager.context.close()


def test_manager_sees_that_someone_else_reviewed_meanwhile_instead_of_overwriting_it(
        page: Page, stack: Stack) -> None:
    setup = a_provider_with_an_agreement(stack, unique("Prüfträger"))
    submitted(stack, setup)
    sign_in_as(page, stack, Role.CONTRACT_MANAGER,
               next_path=f"/pruefung?provider_id={setup['provider_id']}")
    entry = queue_row(page, setup)
    entry.locator("summary", has_text="Ablehnen").click()
    entry.get_by_label("Grund der Ablehnung").fill("zu knapp")

    with manager_api(stack) as api:  # a colleague accepts it meanwhile
        api.post(f"/agreements/{setup['agreement_id']}/reports/{last_month()}/acceptance",
                 headers={"If-Match": '"1"'}).raise_for_status()
    entry.get_by_role("button", name="Bericht ablehnen").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Inzwischen hat jemand anderes diesen Bericht geändert")
    assert report_of(stack, setup)["status"] == "accepted"


def test_an_acceptance_sent_twice_is_recorded_once(page: Page, stack: Stack) -> None:
    setup = a_provider_with_an_agreement(stack, unique("Doppelträger"))
    submitted(stack, setup)
    sign_in_as(page, stack, Role.CONTRACT_MANAGER,
               next_path=f"/pruefung?provider_id={setup['provider_id']}")
    form = queue_row(page, setup).locator("form", has=page.get_by_role("button",
                                                                      name="Annehmen"))
    fields = {name: form.locator(f"input[name={name}]").input_value()
              for name in ("csrf_token", "version", "idempotency_key", "back")}
    action = form.get_attribute("action")

    first = page.request.post(f"{stack.web}{action}", form=fields, max_redirects=0)
    second = page.request.post(f"{stack.web}{action}", form=fields, max_redirects=0)

    assert first.status == second.status == 303
    assert report_of(stack, setup)["events"] == ["ProviderReport.Submitted",
                                                 "ProviderReport.Accepted"]


def test_a_provider_sees_its_overdue_report_but_cannot_open_another_providers(
        page: Page, stack: Stack) -> None:
    mine = a_provider_with_an_agreement(stack, unique("Eigener Träger"), due_days=0)
    theirs = a_provider_with_an_agreement(stack, unique("Fremder Träger"))
    submitted(stack, theirs)
    sign_in_as(page, stack, Role.PROVIDER, provider=mine["name"], next_path="/berichte")
    days_late = (TODAY - first_of_month(0)).days + 1
    expect(page.get_by_role("row").filter(has_text=mine["title"])).to_contain_text(
        f"überfällig seit {days_late} Tagen")
    expect(page.get_by_role("row").filter(has_text=theirs["title"])).to_have_count(0)

    response = page.goto(f"{stack.web}/berichte/{theirs['agreement_id']}/{last_month()}")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    assert_accessible(page, "bericht-fremd")


def test_manager_filters_the_queue_by_period_and_is_told_a_malformed_one(
        page: Page, stack: Stack) -> None:
    setup = a_provider_with_an_agreement(stack, unique("Zeitraumträger"))
    submitted(stack, setup)
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/pruefung")

    page.get_by_label("Zeitraum").fill(last_month())
    page.get_by_role("button", name="Filtern").click()
    expect(queue_row(page, setup)).to_have_count(1)
    page.get_by_label("Zeitraum").fill("letzten Monat")
    page.get_by_role("button", name="Filtern").click()

    expect(page.locator("#field-period-error")).to_contain_text("Bitte einen Zeitraum wie")
    assert_accessible(page, "pruefung-zeitraum")
