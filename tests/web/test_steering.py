"""Steuerung and Wirkung in the browser: the contract manager's key figures and impact goals,
the indicator explorer with its table, chart, definition and CSV download, and the provider's
own impact — on the real services, with cases and reports recorded through their APIs."""

from __future__ import annotations

import csv
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.conftest import Seed
from tests.web.people import sign_in_as
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]
YEAR = TODAY.year
OTHER_PROVIDER = "Stadtteilwerk Süd gGmbH"
OTHER_TITLE = "Wohnungsnotfallhilfe Süd"


@dataclass(frozen=True)
class Figures:
    """What the test recorded: a district of few cases (withheld), the threshold."""

    small_district: str
    threshold: int


def _api(stack: Stack, service: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=stack.urls[service], timeout=15,
                        headers={"Authorization": f"Bearer {token}"})


def _cases(stack: Stack, district: str, count: int) -> None:
    token = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-st")
    with _api(stack, "cases", token) as api:
        for _ in range(count):
            client = api.post("/clients", json={
                "name": f"Mara Yilmaz {uuid.uuid4().hex[:6]}", "birth_date": "2012-04-03",
                "address": "Hafenweg 1, 12345 Musterstadt"})
            client.raise_for_status()
            api.post("/cases", json={
                "client_id": client.json()["id"], "field_of_action": "jugend",
                "district": district, "legal_basis": "SGB VIII §27"}).raise_for_status()


def _other_agreement(stack: Stack) -> None:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-st")
    with _api(stack, "agreements", manager) as api:
        provider = api.post("/providers", json={"name": OTHER_PROVIDER, "legal_form": "gGmbH",
                                                "fields_of_action": ["wohnen"]})
        provider.raise_for_status()
        agreement = api.post("/agreements", json={
            "provider_id": provider.json()["id"], "title": OTHER_TITLE,
            "budget_product_code": "3.1.1.01", "field_of_action": "wohnen",
            "districts": ["Südstadt"], "target_groups": ["Wohnungslose"],
            "term_start": date(YEAR, 1, 1).isoformat(),
            "term_end": date(YEAR, 12, 31).isoformat(),
            "annual_budget_cents": 10_000_000, "pricing_unit": "day",
            "unit_price_cents": 9000, "capacity": 8,
            "impact_goals": [{"text": "Wohnung gesichert", "indicator_id": "planned_closure_rate",
                              "comparison": ">=", "target_value": "0.5"}]})
        agreement.raise_for_status()
        api.post(f"/agreements/{agreement.json()['id']}/signature",
                 headers={"If-Match": '"1"'}).raise_for_status()


def _reports(stack: Stack, seed: Seed) -> None:
    """The seeded provider reports Q1 (8 of 10 ended as planned) and Q2 (5 of 10)."""
    token = mint_token(stack.secret, role=Role.PROVIDER, provider_id=seed.provider_id,
                       subject="pt-st")
    with _api(stack, "agreements", token) as api:
        for quarter, achieved in (("Q1", 8), ("Q2", 5)):
            api.post(f"/agreements/{seed.agreement_id}/reports", json={
                "period": f"{YEAR}-{quarter}", "participants": 11, "units_delivered": "120",
                "expenditure_cents": 744_000, "narrative": "Wie vereinbart.",
                "outcomes": [{"indicator_id": "planned_closure_rate", "achieved": achieved,
                              "measured": 10}]}).raise_for_status()


def _until(check: Callable[[], Any], what: str, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"the metrics service did not show {what} within {within}s")


@pytest.fixture(scope="module")
def figures(stack: Stack, seed: Seed) -> Figures:
    small = f"Hafen-{uuid.uuid4().hex[:4]}"
    _cases(stack, "Nordstadt", 6)
    _cases(stack, small, 1)
    _other_agreement(stack)
    _reports(stack, seed)
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-st")
    # The auditor's exact figures tell when the cases have arrived (others see them perturbed).
    auditor = mint_token(stack.secret, role=Role.AUDITOR, subject="au-st")
    with _api(stack, "metrics", manager) as api, _api(stack, "metrics", auditor) as exact:
        def cells() -> Any:
            answer = exact.get("/indicators/active_cases",
                               params={"period": str(YEAR), "by": "district"}).json()
            by_district = {cell["district"]: cell for cell in answer["cells"]}
            nord = by_district.get("Nordstadt", {})
            shown = small in by_district and (nord.get("persons") or 0) >= 6
            return answer if shown else None

        answer = _until(cells, "the recorded cases")

        def reported() -> bool:
            goals = api.get("/impact-goals", params={"period": str(YEAR),
                                                      "agreement": seed.agreement_id}).json()
            return bool(goals["agreements"]) and \
                goals["agreements"][0]["goals"][0]["periods"][0]["reports"] == 2

        _until(reported, "the reports")
        _until(lambda: api.get("/impact-goals", params={"period": str(YEAR)}).json()["total"]
               >= 2, "the other agreement")
    return Figures(small_district=small, threshold=int(answer["disclosure_threshold"]))


def test_contract_manager_sees_key_figures_and_each_agreements_goal_against_its_target(
        page: Page, stack: Stack, seed: Seed, figures: Figures) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/steuerung")

    expect(page.get_by_role("heading", name=f"Kennzahlen {YEAR}")).to_be_visible()
    expect(page.get_by_role("link", name="Laufende Fälle", exact=True)).to_be_visible()
    for number in range(1, 50):  # other tests may have drafted agreements before this one
        table = page.locator("table.goals", has_text=seed.agreement_title)
        if table.count() or not page.get_by_role("link", name="nächste Seite").count():
            break
        page.goto(f"{stack.web}/steuerung?seite={number + 1}")
    row = table.get_by_role("row", name="70 % enden planmäßig")
    expect(row).to_contain_text("mindestens 70 %")
    expect(row).to_contain_text("65 % (13 von 20)")  # Q1 8 of 10 and Q2 5 of 10
    expect(row).to_contain_text("Ziel nicht erreicht")
    expect(page.locator("p.perturbed")).to_contain_text("Cell-Key-Verfahren")
    assert_accessible(page, "steuerung-start")


def test_contract_manager_breaks_an_indicator_down_and_downloads_exactly_the_table(
        page: Page, stack: Stack, figures: Figures) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/steuerung/indikator")
    breakdown = page.get_by_label("Aufschlüsseln nach")
    # The breakdowns offered follow the indicator chosen: age bands for cases, not budgets.
    page.get_by_label("Indikator").select_option(label="Budgetausschöpfung")
    expect(breakdown.locator("option", has_text="Altersgruppe")).to_have_count(0)
    page.get_by_label("Indikator").select_option(label="Laufende Fälle")
    expect(breakdown.locator("option", has_text="Altersgruppe")).to_have_count(1)
    page.get_by_label("Jahr").fill(str(YEAR))
    page.get_by_label("Aufschlüsseln nach").select_option(label="Sozialraum")
    page.evaluate("window.keptAcrossTheSwap = true")
    page.get_by_role("button", name="Auswerten").click()

    table = page.locator("table.figures")
    expect(table).to_be_visible()
    assert page.evaluate("window.keptAcrossTheSwap === true")  # htmx swapped, no new page
    expect(page.locator("#ansage")).to_have_text(re.compile(r"\d+ Zeilen ausgewertet"))
    expect(page).to_have_url(f"{stack.web}/steuerung/indikator?indikator=active_cases"
                             f"&jahr={YEAR}&abschnitt=gesamt&nach1=district&nach2=")
    expect(table.get_by_role("row", name="Nordstadt")).to_be_visible()
    withheld = table.get_by_role("row", name=figures.small_district)
    expect(withheld).to_contain_text(
        f"zurückgehalten (weniger als {figures.threshold} Personen)")
    # The manager's figures are perturbed so the withheld row cannot be worked out; said so.
    expect(page.locator("#auswertung p.perturbed")).to_contain_text(
        f"Werte ab {figures.threshold} Personen leicht verändert (Geheimhaltung, "
        "Cell-Key-Verfahren)")
    chart = page.get_by_role("img", name=f"Balkendiagramm: Laufende Fälle, {YEAR}")
    expect(chart).to_be_visible()
    assert "Tabelle" in (chart.locator("desc").text_content() or "")
    page.get_by_text("Definition des Indikators").click()
    expect(page.get_by_text("Definitions-Hash")).to_be_visible()
    expect(page.locator("code.hash")).to_contain_text("sha256:")
    assert_accessible(page, "steuerung-indikator")

    shown = [[cell.strip() for cell in row.locator("th, td").all_inner_texts() if cell.strip()]
             for row in table.locator("tr").all()]
    with page.expect_download() as download:
        page.get_by_role("link", name="Diese Tabelle als CSV herunterladen").click()
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert [[field for field in row if field] for row in rows] == shown

    page.reload()  # the language form returns to the page as loaded, not as htmx pushed it
    page.get_by_role("button", name="English").click()
    expect(page.locator("table.figures").get_by_role("row", name=figures.small_district)
           ).to_contain_text(f"withheld (fewer than {figures.threshold} persons)")
    expect(page.get_by_role("img", name=f"Bar chart: Active cases, {YEAR}")).to_be_visible()
    expect(page.locator("#auswertung p.perturbed")).to_contain_text("cell-key method")
    assert_accessible(page, "steuerung-indikator-en")


def test_the_explorer_works_without_javascript_and_names_the_agreements(
        browser: Browser, stack: Stack, seed: Seed, figures: Figures) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/steuerung/indikator")
        page.get_by_label("Indikator").select_option(label="Zielerreichung der Wirkungsziele")
        page.get_by_label("Aufschlüsseln nach").select_option(label="Vereinbarung")
        page.get_by_label("und nach").select_option(label="Zeitraum")
        page.get_by_role("button", name="Auswerten").click()

        expect(page).to_have_url(re.compile(r"nach1=agreement&nach2=period"))
        table = page.locator("table.figures")
        rows = table.get_by_role("row", name=seed.agreement_title)
        # Q1: 8 of 10 reached the target of 70 %; Q2: 5 of 10 did not.
        value = 1  # the cells after the agreement: period, value, numerator, ...
        expect(rows.filter(has_text=f"{YEAR}-Q1").locator("td").nth(value)).to_have_text("100")
        expect(rows.filter(has_text=f"{YEAR}-Q2").locator("td").nth(value)).to_have_text("0")
        expect(page.get_by_role("heading", name=re.compile("Zielerreichung der Wirkungsziele"))
               ).to_be_visible()
    finally:
        context.close()


def test_bad_choices_in_the_explorer_are_named_in_german(page: Page, stack: Stack) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/steuerung")

    page.goto(f"{stack.web}/steuerung/indikator?indikator=gibt_es_nicht&jahr=20x6")
    expect(page.get_by_role("alert")).to_contain_text("Diesen Indikator gibt es nicht")
    expect(page.get_by_role("alert")).to_contain_text("Bitte ein Jahr mit vier Ziffern")
    page.goto(f"{stack.web}/steuerung/indikator?indikator=budget_utilisation&jahr={YEAR}"
              "&nach1=age_band")
    expect(page.get_by_role("alert")).to_contain_text(
        "Nach dieser Angabe lässt sich der gewählte Indikator nicht aufschlüsseln")
    page.goto(f"{stack.web}/steuerung/indikator?indikator={'x' * 300}&abschnitt=Q5")
    expect(page.get_by_role("alert")).to_contain_text("Diesen Indikator gibt es nicht")
    expect(page.get_by_role("alert")).to_contain_text("Bitte ein Quartal, einen Monat")
    response = page.goto(f"{stack.web}/steuerung/indikator.csv?indikator=x&jahr={YEAR}")
    assert response is not None
    assert response.status == 422
    assert_accessible(page, "steuerung-indikator-fehler")


def test_provider_sees_its_own_goals_per_quarter_and_no_other_providers(
        page: Page, stack: Stack, seed: Seed, figures: Figures) -> None:
    sign_in_as(page, stack, Role.PROVIDER, provider=seed.provider_name, next_path="/wirkung")

    section = page.get_by_role("region", name=seed.agreement_title)
    expect(section).to_be_visible()
    expect(page.get_by_text(OTHER_TITLE)).to_have_count(0)
    table = section.locator("table.goals")
    expect(table.get_by_role("row", name=f"{YEAR}-Q1")).to_contain_text("80 % (8 von 10)")
    expect(table.get_by_role("row", name=f"{YEAR}-Q1")).to_contain_text("Ziel erreicht")
    expect(table.get_by_role("row", name=f"{YEAR}-Q2")).to_contain_text("Ziel nicht erreicht")
    expect(table.get_by_role("row", name=f"{YEAR}-Q3")).to_contain_text("noch keine Bewertung")
    expect(section.get_by_role("img", name="Balkendiagramm: 70 % enden planmäßig je Quartal "
                               f"{YEAR}")).to_be_visible()
    expect(section.get_by_role("row", name="Zielerreichung der Wirkungsziele")).to_be_visible()
    expect(section.locator("p.perturbed")).to_contain_text("Cell-Key-Verfahren")
    assert_accessible(page, "wirkung")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("row", name=f"{YEAR}-Q1").first).to_contain_text("Goal reached")
    assert_accessible(page, "wirkung-en")
    page.get_by_role("button", name="Deutsch").click()

    refused = page.goto(f"{stack.web}/wirkung?jahr=zwanzig")
    assert refused is not None
    assert refused.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Bitte ein Jahr mit vier Ziffern")

    other = page.goto(f"{stack.web}/steuerung")
    assert other is not None
    assert other.status == 404
