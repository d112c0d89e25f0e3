"""The contract manager's working day in the browser: providers, an agreement's whole life,
the reference population; on the real services."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect

from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.people import sign_in_as
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def a_file(name: str, content: bytes) -> FilePayload:
    return {"name": name, "mimeType": "text/csv", "buffer": content}


def history(page: Page) -> str:
    return page.locator("#verlauf").locator("xpath=..").inner_text()


def test_contract_manager_registers_a_provider_and_takes_an_agreement_through_its_life(
        page: Page, stack: Stack) -> None:
    name = f"Familienhilfe Hafen {uuid.uuid4().hex[:6]} gGmbH"
    today = TODAY
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/traeger")

    # Register the provider.
    expect(page.get_by_role("heading", level=1)).to_have_text("Träger")
    assert_accessible(page, "traeger-liste")
    page.get_by_role("link", name="Träger registrieren").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Rechtsform").fill("gGmbH")
    page.get_by_label("Jugend").check()
    page.get_by_label("Soziales").check()
    assert_accessible(page, "traeger-registrieren")
    sent = {field: page.locator(f"#inhalt input[name={field}]").input_value()
            for field in ("csrf_token", "idempotency_key", "name", "legal_form")}
    page.get_by_role("button", name="Träger registrieren").click()
    expect(page.get_by_text("Der Träger ist registriert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert "Träger registriert" in history(page)
    assert "Handlungsfelder: Soziales, Jugend" in history(page)
    provider_url = page.url.split("#")[0]
    # The same form sent again (a retry) records nothing new: the same provider answers.
    again = page.request.post(
        f"{stack.web}/traeger/neu", max_redirects=0,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        data=urlencode([*sent.items(), ("fields_of_action", "soziales"),
                        ("fields_of_action", "jugend")]))
    assert again.status == 303
    assert again.headers["location"].split("#")[0].endswith(provider_url.rsplit("/", 1)[1])

    # Edit its details.
    page.get_by_role("link", name="Angaben ändern").click()
    expect(page.get_by_label("Name")).to_have_value(name)
    page.get_by_label("Kontakt").fill("team@familienhilfe-hafen.example")
    page.get_by_role("button", name="Angaben speichern").click()
    expect(page.get_by_text("Die Angaben sind gespeichert.")).to_be_visible()
    assert "Kontakt: team@familienhilfe-hafen.example" in history(page)

    # Draft an agreement with a goal from the catalog; an amount that is no amount first.
    page.get_by_role("link", name="Vereinbarung entwerfen").click()
    expect(page.locator("#entwurf-provider_id")).to_have_value(provider_url.rsplit("/", 1)[1])
    page.get_by_label("Titel").fill("Sozialpädagogische Familienhilfe Hafen")
    page.get_by_label("Produkt im Haushalt").fill("3.6.3.02")
    page.get_by_label("Handlungsfeld").select_option("jugend")
    page.get_by_label("Sozialräume").fill("Hafen, Nordstadt")
    page.get_by_label("Laufzeit ab").fill(german(date(today.year, 1, 1)))
    page.get_by_label("Laufzeit bis").fill(german(date(today.year + 1, 12, 31)))
    page.get_by_label("Jahresbudget in Euro").fill("240.000,00")
    page.get_by_label("Preis je Einheit in Euro").fill("62 Euro")
    page.get_by_label("Plätze").fill("10")
    indicator = page.locator("#entwurf-goal_0_indicator_id")
    expect(indicator.locator("option", has_text="Quote planmäßiger Beendigungen")).to_have_text(
        "Quote planmäßiger Beendigungen – Anteil (0 bis 1), höher ist besser")  # noqa: RUF001
    indicator.select_option("planned_closure_rate")
    page.locator("#entwurf-goal_0_target_value").fill("0,7")
    page.locator("#entwurf-goal_0_text").fill("70 % der Hilfen enden planmäßig")
    page.get_by_role("button", name="Entwurf speichern").click()
    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Eingaben")
    expect(summary).to_contain_text("Preis je Einheit in Euro: Bitte einen Betrag in Euro")
    expect(page.locator("#entwurf-unit_price-error")).to_contain_text(
        "Bitte einen Betrag in Euro angeben")
    expect(page.get_by_label("Jahresbudget in Euro")).to_have_value("240.000,00")
    expect(indicator).to_have_value("planned_closure_rate")
    assert_accessible(page, "vereinbarung-entwurf-fehler")
    page.get_by_label("Preis je Einheit in Euro").fill("62,50")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Der Entwurf ist gespeichert.")).to_be_visible()
    agreement_url = page.url.split("#")[0]
    agreement_id = agreement_url.rsplit("/", 1)[1]
    expect(page.get_by_text("240.000,00 €", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Wirkungsziele")).to_contain_text(
        "70 % der Hilfen enden planmäßig")
    assert "Vereinbarung entworfen" in history(page)

    # Edit the draft: its amounts come back as typed in German.
    page.get_by_role("link", name="Entwurf bearbeiten").click()
    expect(page.get_by_label("Jahresbudget in Euro")).to_have_value("240.000,00")
    expect(page.get_by_label("Preis je Einheit in Euro")).to_have_value("62,50")
    expect(page.locator("#entwurf-goal_0_target_value")).to_have_value("0,7")
    page.get_by_label("Plätze").fill("12")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Der Entwurf ist gespeichert.")).to_be_visible()
    assert "Entwurf bearbeitet" in history(page)
    assert "Plätze: 12" in history(page)

    # Sign.
    page.locator("summary", has_text="Unterzeichnen").click()
    page.get_by_role("button", name="Jetzt unterzeichnen").click()
    expect(page.get_by_text("Die Vereinbarung ist unterzeichnet.")).to_be_visible()
    expect(page.locator(".kern-badge").first).to_have_text("aktiv")

    # Amend: more places, first from a day before the term (refused beside the date).
    page.locator("summary", has_text="Ändern").click()
    page.locator("#aendern-effective_date").fill("01.01.2000")
    page.locator("#aendern-reason").fill("Bedarf im Hafen gestiegen")
    page.get_by_label("Neue Zahl der Plätze").fill("14")
    page.get_by_role("button", name="Änderung speichern").click()
    expect(page.locator("#aendern-effective_date-error")).to_contain_text(
        "Das Datum muss innerhalb der Laufzeit liegen.")
    expect(page.get_by_label("Neue Zahl der Plätze")).to_have_value("14")
    page.locator("#aendern-effective_date").fill(german(today))
    page.get_by_role("button", name="Änderung speichern").click()
    expect(page.get_by_text("Die Änderung ist gespeichert.")).to_be_visible()
    assert "Plätze: 14" in history(page)
    assert "Grund: Bedarf im Hafen gestiegen" in history(page)

    # Someone else suspends it meanwhile: the page's form does not overwrite that.
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-kollegin")
    version = httpx.get(f"{stack.urls['agreements']}/agreements/{agreement_id}",
                        headers={"Authorization": f"Bearer {manager}"}).json()["version"]
    httpx.post(f"{stack.urls['agreements']}/agreements/{agreement_id}/suspension",
               json={"reason": "Prüfung durch die Kollegin"},
               headers={"Authorization": f"Bearer {manager}",
                        "If-Match": f'"{version}"'}).raise_for_status()
    page.locator("summary", has_text="Aussetzen").click()
    page.locator("#aussetzen-reason").fill("Trägerprüfung")
    page.get_by_role("button", name="Aussetzen", exact=True).click()
    conflict = page.locator("#konflikt")
    expect(conflict).to_contain_text("Inzwischen hat jemand anderes etwas geändert")
    expect(conflict).to_contain_text("ausgesetzt")
    expect(conflict).to_contain_text("cm-kollegin")
    expect(page.locator(".kern-badge").first).to_have_text("ausgesetzt")
    assert history(page).count("ausgesetzt") == 1
    assert_accessible(page, "vereinbarung-konflikt")

    # Resume, then terminate.
    page.locator("summary", has_text="Fortsetzen").click()
    page.get_by_role("button", name="Fortsetzen", exact=True).click()
    expect(page.get_by_text("Die Vereinbarung läuft wieder.")).to_be_visible()
    page.locator("summary", has_text="Kündigen").click()
    page.locator("#kuendigen-termination_date").fill(german(today + timedelta(days=30)))
    page.locator("#kuendigen-reason").fill("Träger gibt das Angebot auf")
    page.get_by_role("button", name="Kündigen", exact=True).click()
    expect(page.get_by_text("Die Vereinbarung ist gekündigt.")).to_be_visible()
    expect(page.get_by_text(re.compile("gekündigt zum"))).to_be_visible()
    steps = history(page)
    for step in ("Vereinbarung entworfen", "Entwurf bearbeitet", "Vereinbarung unterzeichnet",
                 "Vereinbarung geändert", "Vereinbarung ausgesetzt",
                 "Vereinbarung wieder aufgenommen", "Vereinbarung gekündigt"):
        assert step in steps
    assert_accessible(page, "vereinbarung")

    # The list finds it by its provider.
    page.goto(f"{stack.web}/vereinbarungen?provider_id={provider_url.rsplit('/', 1)[1]}")
    expect(page.get_by_role("table")).to_contain_text("Sozialpädagogische Familienhilfe Hafen")
    assert_accessible(page, "vereinbarungen")

    # Deactivate the provider, after confirming.
    page.goto(provider_url)
    page.get_by_role("link", name="Träger deaktivieren").click()
    assert_accessible(page, "traeger-deaktivieren")
    page.get_by_role("button", name="Ja, Träger deaktivieren").click()
    expect(page.get_by_text("Der Träger ist deaktiviert.")).to_be_visible()
    assert "Träger deaktiviert" in history(page)
    assert_accessible(page, "traeger")
    page.goto(f"{stack.web}/traeger")
    expect(page.get_by_role("table", name=re.compile("Deaktivierte Träger"))).to_contain_text(
        name)


def test_contract_manager_uploads_the_reference_population(page: Page, stack: Stack) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER, next_path="/bezugsgroessen")
    expect(page.get_by_text("district,age_band,year,population")).to_be_visible()
    assert_accessible(page, "bezugsgroessen")

    page.get_by_label("Quelle der Zahlen").fill("Statistikstelle, Register 31.12.2025")
    page.get_by_label("CSV-Datei").set_input_files(files=a_file(
        "falsch.csv", b"district,age_band,year,population\nHafen,14-17,2026,zwei\nHafen,,2026,5\n"))
    page.get_by_role("button", name="Hochladen und übernehmen").click()
    errors = page.get_by_role("table", name="Fehler in „falsch.csv“")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("2")
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("Das ist keine ganze Zahl.")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("Das Feld ist leer.")
    expect(page.get_by_label("Quelle der Zahlen")).to_have_value(
        "Statistikstelle, Register 31.12.2025")
    assert_accessible(page, "bezugsgroessen-fehler")

    page.get_by_label("CSV-Datei").set_input_files(files=a_file(
        "einwohner.csv", "district;age_band;year;population\nHafen;14-17;2026;960\n"
                         "Hafen;18-26;2026;1410\n".encode("utf-8-sig")))
    page.get_by_role("button", name="Hochladen und übernehmen").click()
    expect(page.get_by_text(
        "2 Zeilen aus „einwohner.csv“ übernommen (Quelle: Statistikstelle, Register "
        "31.12.2025).")).to_be_visible()
