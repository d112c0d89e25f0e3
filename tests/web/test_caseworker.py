"""The caseworker's working day in the browser, on the real services."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.browser import assert_accessible
from tests.web.conftest import Seed, new_context
from tests.web.people import a_case, sign_in_as_caseworker
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def tab_to(page: Page, target: Locator, *, limit: int = 250) -> None:
    """Press Tab until `target` has the focus, and check the focus is visible there."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
            shadow = target.evaluate("element => getComputedStyle(element).boxShadow")
            assert outline != "none" or shadow != "none", "the focus is not visible"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def press_button(page: Page, button: Locator) -> None:
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def open_details(page: Page, summary: Locator) -> None:
    tab_to(page, summary)
    page.keyboard.press("Enter")


def test_caseworker_works_a_case_from_finding_the_client_to_closing_it_with_the_keyboard(
        page: Page, stack: Stack, seed: Seed) -> None:
    name = f"Lena Schäfer-{uuid.uuid4().hex[:6]}"
    sign_in_as_caseworker(page, stack, next_path="/klienten")

    # Find: nobody of that name yet.
    type_into(page, page.get_by_label("Name"), name)
    type_into(page, page.get_by_label("Geburtsdatum"), "17.05.2012")
    press_button(page, page.get_by_role("button", name="Suchen"))
    expect(page.get_by_text("Niemand mit diesem Namen")).to_be_visible()
    assert_accessible(page, "klient-finden")

    # Register: the name and birth date come along from the search.
    tab_to(page, page.get_by_role("link", name="Neue Person registrieren").first)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_label("Name")).to_have_value(name)
    type_into(page, page.get_by_label("Anschrift"), "Lindenweg 4, 12345 Musterstadt")
    assert_accessible(page, "klient-registrieren")
    press_button(page, page.get_by_role("button", name="Registrieren"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    # Open a case for her.
    tab_to(page, page.get_by_label("Handlungsfeld"))
    page.keyboard.press("j")  # Jugend, as a keyboard user picks an option
    type_into(page, page.get_by_label("Sozialraum"), "Nordstadt")
    type_into(page, page.get_by_label("Rechtsgrundlage"), "SGB VIII §27")
    type_into(page, page.get_by_label("Zielgruppen"), "Familien")
    assert_accessible(page, "klient")
    press_button(page, page.get_by_role("button", name="Fall eröffnen"))
    expect(page.get_by_text("Der Fall ist eröffnet.")).to_be_visible()
    case_url = page.url

    # Assessment.
    type_into(page, page.get_by_role("textbox", name="Einschätzung"),
              "Mutter alleinerziehend, Sohn fehlt häufig in der Schule.")
    press_button(page, page.get_by_role("button", name="Einschätzung speichern"))
    expect(page.get_by_text("Die Einschätzung ist gespeichert.")).to_be_visible()

    # A goal with its five levels.
    open_details(page, page.locator("summary", has_text="Neues Ziel setzen"))
    type_into(page, page.locator("#ziel-title"), "Regelmäßiger Schulbesuch")
    for level, text in (("2", "fehlt nie"), ("1", "fehlt höchstens einen Tag im Monat"),
                        ("0", "fehlt höchstens einen Tag pro Woche"),
                        ("-1", "fehlt zwei bis drei Tage"), ("-2", "fehlt mehr als drei Tage")):
        type_into(page, page.locator(f"#ziel-level_{level}"), text)
    tab_to(page, page.locator("#ziel-baseline"))
    page.keyboard.press("ArrowDown")  # -2
    press_button(page, page.get_by_role("button", name="Ziel setzen", exact=True))
    expect(page.get_by_text("Das Ziel ist gesetzt.")).to_be_visible()

    # A review: level +1 with a note; the T-score chart and its table appear.
    open_details(page, page.locator("summary", has_text="Ziel bewerten"))
    tab_to(page, page.get_by_label("Erreichte Stufe"))
    for _ in range(4):  # -2, -1, 0, +1
        page.keyboard.press("ArrowDown")
    type_into(page, page.get_by_label("Notiz"), "Seit drei Wochen jeden Tag in der Schule.")
    press_button(page, page.get_by_role("button", name="Bewertung speichern"))
    expect(page.get_by_text("Die Bewertung ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("img", name="T-Wert des Falls nach jeder Bewertung")).to_be_visible()
    expect(page.get_by_role("table", name="T-Wert nach jeder Bewertung")).to_contain_text("60")

    # Assign a service under the provider's agreement.
    open_details(page, page.locator("summary", has_text="Leistung zuweisen"))
    tab_to(page, page.locator("#leistung-agreement_id"))
    # Other tests may offer more agreements here: down the list to the seeded one.
    offered = page.locator("#leistung-agreement_id option").evaluate_all(
        "options => options.map(option => option.value)")
    for _ in range(offered.index(seed.agreement_id)):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#leistung-agreement_id")).to_have_value(seed.agreement_id)
    type_into(page, page.get_by_label("geplante Einheiten"), "40")
    type_into(page, page.get_by_label("Beginn"), TODAY.strftime("%d.%m.%Y"))
    assert_accessible(page, "fall")
    press_button(page, page.get_by_role("button", name="Leistung zuweisen"))
    expect(page.get_by_text("Die Leistung ist zugewiesen.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(seed.agreement_title))).to_contain_text(
        seed.provider_name)

    # Close the case: planned, goals achieved.
    tab_to(page, page.get_by_label("Abschlussgrund"))
    page.keyboard.press("ArrowDown")
    press_button(page, page.get_by_role("button", name="Fall abschließen"))
    expect(page.get_by_text("Der Fall ist abgeschlossen.")).to_be_visible()
    expect(page.get_by_text("planmäßig, Ziele erreicht")).to_be_visible()

    # The history shows every step.
    page.goto(case_url + "/verlauf")
    for event in ("Fall eröffnet", "Einschätzung erfasst", "Ziel gesetzt", "Ziel bewertet",
                  "Leistung zugewiesen", "Fall abgeschlossen"):
        expect(page.get_by_role("rowheader", name=event)).to_be_visible()
    assert_accessible(page, "fall-verlauf")


def test_caseworker_sees_the_lists_with_tiles_filters_and_deadlines(
        page: Page, stack: Stack) -> None:
    a_case(stack, opened_on=TODAY - timedelta(days=30))
    sign_in_as_caseworker(page, stack)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Meine Fälle")
    assert_accessible(page, "meine-faelle")
    page.get_by_label("Handlungsfeld").select_option("jugend")
    expect(page.locator("#fallliste")).to_contain_text("Jugend")
    expect(page).to_have_url(re.compile("field_of_action=jugend"))
    tile = page.get_by_role("link", name=re.compile("ohne Einschätzung nach Frist"))
    count = int(tile.locator(".tile__count").inner_text())
    tile.click()
    expect(page).to_have_url(re.compile("due=assessment"))
    expect(page.get_by_role("heading", name=f"{count} Fälle")).to_be_visible()
    page.get_by_role("link", name="Fristen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fristen")
    overdue = page.get_by_role("row").filter(has_text="Einschätzung fehlt").filter(
        has_text="16 Tage überfällig")
    expect(overdue.first).to_be_visible()
    assert_accessible(page, "fristen")


def test_another_teams_case_by_url_shows_a_404_page_and_no_data(
        page: Page, stack: Stack) -> None:
    foreign = a_case(stack, team="asd-sued")
    sign_in_as_caseworker(page, stack)

    answer = page.goto(f"{stack.web}/faelle/{foreign}")

    assert answer is not None
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    assert "Tim Wagner" not in page.content()
    assert_accessible(page, "nicht-gefunden")


def test_a_double_click_records_the_assessment_once(page: Page, stack: Stack) -> None:
    case_id = a_case(stack)
    sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")
    page.get_by_role("textbox", name="Einschätzung").fill("Erstgespräch geführt.")
    form = page.locator("#form-einschaetzung")
    # Two submissions of the same form (as a double click sends them, scripts off).
    form.evaluate("f => { f.dataset.submitted = ''; f.requestSubmit(); "
                  "f.dataset.submitted = ''; f.requestSubmit(); }")
    expect(page.get_by_text("Die Einschätzung ist gespeichert.")).to_be_visible()

    page.goto(f"{stack.web}/faelle/{case_id}/verlauf")
    expect(page.get_by_role("rowheader", name="Einschätzung erfasst")).to_have_count(1)


def test_a_concurrent_edit_shows_the_other_persons_change_and_keeps_the_input(
        browser: Browser, stack: Stack) -> None:
    case_id = a_case(stack)
    first, second = new_context(browser).new_page(), new_context(browser).new_page()
    for page in (first, second):
        sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")
    first.get_by_role("textbox", name="Einschätzung").fill("Sicht von Frau Yilmaz.")
    first.get_by_role("button", name="Einschätzung speichern").click()
    expect(first.get_by_text("Die Einschätzung ist gespeichert.")).to_be_visible()

    second.get_by_label("Abschlussgrund").select_option("moved")
    second.get_by_role("button", name="Fall abschließen").click()

    expect(second.get_by_role("heading", name=re.compile("jemand anderes"))).to_be_visible()
    expect(second.locator("#konflikt")).to_contain_text("Einschätzung erfasst")
    expect(second.get_by_label("Abschlussgrund")).to_have_value("moved")
    assert_accessible(second, "fall-konflikt")
    second.get_by_role("button", name="Fall abschließen").click()
    expect(second.get_by_text("Der Fall ist abgeschlossen.")).to_be_visible()
