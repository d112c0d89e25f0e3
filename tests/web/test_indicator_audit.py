"""The auditor's desk for indicators in the browser: an answer and its manifest, the saved
answer as a file, its verification by replay, restatements; on the real services."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect

from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.people import sign_in_as, sign_in_as_caseworker
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DESK = "/revision/indikatoren"
YEAR = str(TODAY.year)


def api_answer(stack: Stack, indicator: str, **params: str) -> dict[str, Any]:
    """The metrics API's answer to the auditor, as the page asks it."""
    token = mint_token(stack.secret, role=Role.AUDITOR, subject="au-test")
    response = httpx.get(f"{stack.urls['metrics']}/indicators/{indicator}", params=params,
                         headers={"Authorization": f"Bearer {token}"}, timeout=15)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


@dataclass(frozen=True)
class Audited:
    """An agreement running since the start of last year, signed only now: last December's
    figures were restated when it was recorded."""

    provider_name: str
    agreement_id: str


@pytest.fixture(scope="module")
def audited(stack: Stack) -> Audited:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-revision")
    name = f"Revisionshilfe {uuid.uuid4().hex[:6]} gGmbH"
    with httpx.Client(base_url=stack.urls["agreements"], timeout=15,
                      headers={"Authorization": f"Bearer {manager}"}) as api:
        provider = api.post("/providers", json={"name": name, "legal_form": "gGmbH",
                                                "fields_of_action": ["wohnen"]})
        provider.raise_for_status()
        agreement = api.post("/agreements", json={
            "provider_id": provider.json()["id"], "title": "Wohnungsnotfallhilfe Oststadt",
            "budget_product_code": "3.1.5.02", "field_of_action": "wohnen",
            "districts": ["Oststadt"], "target_groups": ["Wohnungslose"],
            "term_start": f"{int(YEAR) - 1}-01-01", "term_end": f"{int(YEAR) + 1}-12-31",
            "annual_budget_cents": 12_000_000, "pricing_unit": "day",
            "unit_price_cents": 9500, "capacity": 8,
            "impact_goals": [{"text": "80 % halten ihre Wohnung",
                              "indicator_id": "planned_closure_rate", "comparison": ">=",
                              "target_value": "0.8"}]})
        agreement.raise_for_status()
        agreement_id: str = agreement.json()["id"]
        api.post(f"/agreements/{agreement_id}/signature",
                 headers={"If-Match": '"1"'}).raise_for_status()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        cells = api_answer(stack, "budget_utilisation", period=YEAR, by="agreement")["cells"]
        if any(cell["agreement"] == agreement_id for cell in cells):
            return Audited(name, agreement_id)
        time.sleep(0.5)
    raise AssertionError("the metrics service did not apply the agreement")


def choose_file(page: Page, name: str, content: bytes) -> None:
    page.get_by_label("Gespeicherte Antwort (JSON-Datei)").set_input_files(
        FilePayload(name=name, mimeType="application/json", buffer=content))


def ask(page: Page, stack: Stack, indicator: str, period: str, by: str,
        path: str = DESK, button: str = "Antwort abrufen", as_of: str = "") -> None:
    page.goto(f"{stack.web}{path}")
    page.get_by_label("Kennzahl", exact=True).select_option(indicator)
    page.get_by_label("Zeitraum", exact=True).fill(period)
    page.get_by_label("Aufschlüsselung").select_option(by)
    page.get_by_label("Stand am").fill(as_of)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_auditor_fetches_an_answer_keeps_it_and_its_replay_matches(
        page: Page, stack: Stack, audited: Audited, tmp_path: Path) -> None:
    sign_in_as(page, stack, Role.AUDITOR, next_path=DESK)
    ask(page, stack, "budget_utilisation", YEAR, "agreement")

    # The answer: its cells, and the manifest readable.
    cells = page.get_by_role("table", name="Zellen der Antwort")
    expect(cells).to_contain_text(audited.agreement_id)
    expect(page.get_by_role("heading", name="Manifest")).to_be_visible()
    positions = page.get_by_role("table", name="Eingabepositionen")
    expect(positions).to_contain_text(".agreements.events")
    assert_accessible(page, "indikator-antwort")

    # The saved answer: the file is the API's answer, byte for byte what the page holds.
    with page.expect_download() as download:
        page.get_by_role("link", name="Antwort herunterladen").click()
    kept = tmp_path / "antwort.json"
    download.value.save_as(kept)
    saved = json.loads(kept.read_text(encoding="utf-8"))
    held = page.locator("input[name=answer]").first.get_attribute("value")
    assert kept.read_text(encoding="utf-8") == held
    again = api_answer(stack, "budget_utilisation", period=YEAR, by="agreement")
    assert saved["cells"] == again["cells"]
    assert saved["manifest"]["result_hash"] == again["manifest"]["result_hash"]
    assert download.value.suggested_filename.startswith("wirkung-budget_utilisation-")
    with page.expect_download() as second:  # once more: the link asks nothing again
        page.get_by_role("link", name="Antwort herunterladen").click()
    assert Path(second.value.path()).read_text(encoding="utf-8") == held
    manifest = page.locator("#manifest-titel").locator("xpath=..")
    expect(manifest).to_contain_text(saved["manifest"]["definition_hash"])
    expect(manifest).to_contain_text(saved["manifest"]["result_hash"])
    expect(manifest).to_contain_text(saved["manifest"]["answered_at"])

    # The verification: progress while the events are replayed, then the verdict.
    page.get_by_role("button", name="Durch Nachspielen prüfen").click()
    page.wait_for_load_state()
    assert "/revision/indikatoren/pruefungen/" in page.url
    expect(page.get_by_text("Stand:")).to_be_visible()
    progress_first = page.locator(".verification").get_attribute("hx-trigger")
    assert_accessible(page, "indikator-pruefung-laeuft")
    expect(page.get_by_role("heading", name="Übereinstimmung")).to_be_visible(timeout=90_000)
    expect(page.locator("#ansage")).to_have_text("Übereinstimmung")
    expect(page.get_by_role("progressbar", name="Nachgespielte Ereignisse")).to_be_visible()
    assert progress_first == "every 1s"  # it was running (or waiting) when the page came
    assert_accessible(page, "indikator-pruefung-uebereinstimmung")


def test_auditor_uploads_an_answer_with_an_edited_cell_and_sees_that_cell_named(
        page: Page, stack: Stack, audited: Audited) -> None:
    answer = api_answer(stack, "budget_utilisation", period=YEAR, by="agreement")
    edited = json.loads(json.dumps(answer))
    cell = next(c for c in edited["cells"] if c["agreement"] == audited.agreement_id)
    cell["numerator"] = (cell["numerator"] or 0) + 1234.5
    sign_in_as(page, stack, Role.AUDITOR, next_path=DESK)
    page.goto(f"{stack.web}{DESK}")

    choose_file(page, "bearbeitet.json", json.dumps(edited).encode())
    page.get_by_role("button", name="Datei prüfen").click()

    expect(page.get_by_role("heading", name="Abweichung")).to_be_visible(timeout=90_000)
    differing = page.get_by_role("table", name="Abweichende Zellen")
    expect(differing.get_by_role("row")).to_have_count(2)  # the header and the one figure
    row = differing.get_by_role("row").nth(1)
    expect(row.get_by_role("rowheader")).to_have_text(f"Vereinbarung: {audited.agreement_id}")
    expect(row).to_contain_text("Zähler")
    expect(row).to_contain_text("1.234,5")
    assert_accessible(page, "indikator-pruefung-abweichung")


def test_auditor_is_told_what_is_wrong_with_a_file_that_cannot_be_verified(
        page: Page, stack: Stack, audited: Audited) -> None:
    sign_in_as(page, stack, Role.AUDITOR, next_path=DESK)
    page.goto(f"{stack.web}{DESK}")

    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.locator("#field-datei-error")).to_contain_text("Bitte eine gespeicherte Antwort")
    choose_file(page, "kaputt.json", b"{kaputt")
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.locator("#field-datei-error")).to_contain_text("kein JSON")
    choose_file(page, "fremd.json", json.dumps({"indicator": "budget_utilisation"}).encode())
    page.get_by_role("button", name="Datei prüfen").click()

    expect(page.locator("#field-datei-error")).to_contain_text("lässt sich nicht prüfen")
    expect(page.locator("#field-datei-error")).to_contain_text("not a manifest")
    expect(page.get_by_role("link", name="Gespeicherte Antwort:")).to_be_visible()
    assert_accessible(page, "indikator-datei-abgelehnt")

    manifest = api_answer(stack, "budget_utilisation", period=YEAR, by="agreement")["manifest"]
    topic, partitions = next(iter(manifest["input_positions"].items()))
    partition = next(iter(partitions))
    beyond = {**manifest, "input_positions": {topic: {partition: 1_000_000}}}
    page.goto(f"{stack.web}{DESK}")
    choose_file(page, "manifest.json", json.dumps(beyond).encode())
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.get_by_role("heading", name="Die Prüfung war nicht möglich")).to_be_visible(
        timeout=30_000)
    expect(page.get_by_text("the topics hold no event at")).to_be_visible()
    assert_accessible(page, "indikator-pruefung-nicht-moeglich")

    gone = page.goto(f"{stack.web}{DESK}/pruefungen/{uuid.uuid4()}")
    assert gone is not None
    assert gone.status == 404
    ask(page, stack, "budget_utilisation", "2026-Q5", "agreement")
    expect(page.locator("#field-period-error")).to_contain_text("2026-Q1")
    ask(page, stack, "report_timeliness", YEAR, "age_band")
    expect(page.locator("#field-by-error")).to_contain_text("nicht danach aufschlüsseln")
    ask(page, stack, "budget_utilisation", YEAR, "agreement", as_of="31.02.2026")
    expect(page.locator("#field-as_of-error")).to_contain_text("gültiges Datum")


def test_auditor_asks_what_was_known_at_the_end_of_a_day(page: Page, stack: Stack,
                                                         audited: Audited) -> None:
    sign_in_as(page, stack, Role.AUDITOR, next_path=DESK)

    ask(page, stack, "budget_utilisation", YEAR, "agreement", as_of=f"01.01.{YEAR}")

    manifest = page.locator("#manifest-titel").locator("xpath=..")
    expect(manifest).to_contain_text(f"02.01.{YEAR[2:]}, 00:00")  # the end of that day
    expect(page.get_by_text(audited.agreement_id)).to_have_count(0)  # recorded only now


def test_auditor_sees_the_restatements_of_a_period(page: Page, stack: Stack,
                                                   audited: Audited) -> None:
    sign_in_as(page, stack, Role.AUDITOR, next_path=DESK)

    ask(page, stack, "budget_utilisation", f"{int(YEAR) - 1}-12", "agreement",
        path=f"{DESK}/korrekturen", button="Korrekturen anzeigen")

    expect(page.get_by_role("heading", name="Erster bekannter Stand")).to_be_visible()
    expect(page.get_by_role("heading", name="Spätere Änderungen")).to_be_visible()
    changes = page.get_by_role("table", name="Geänderte Zellen")
    expect(changes.first).to_contain_text(f"Vereinbarung: {audited.agreement_id}")
    expect(page.locator(".events").first).to_contain_text("de.wirkung.agreements.")
    assert_accessible(page, "indikator-korrekturen")


def test_only_auditors_reach_the_desk(page: Page, stack: Stack, audited: Audited) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path=DESK)
    page.goto(f"{stack.web}{DESK}")
    expect(page.get_by_role("heading", name="Das ist nicht möglich")).to_be_visible()
    assert_accessible(page, "indikator-abgelehnt")

    sign_in_as(page, stack, Role.PROVIDER, provider=audited.provider_name, next_path=DESK)
    refused = page.goto(f"{stack.web}{DESK}?indicator=budget_utilisation&period={YEAR}")
    assert refused is not None
    assert refused.status == 403

    sign_in_as_caseworker(page, stack, next_path=f"{DESK}/korrekturen")
    response = page.goto(f"{stack.web}{DESK}/korrekturen?indicator=active_cases&period=2025")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Das ist nicht möglich")).to_be_visible()
