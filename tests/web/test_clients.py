"""Finding, registering and correcting a client in the browser."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import assert_accessible
from tests.web.people import a_case, sign_in_as_caseworker
from tests.web.stack import Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def register(page: Page, stack: Stack, name: str, birth_date: str = "03.02.2011",
             address: str = "Gartenstraße 12, 12345 Musterstadt") -> None:
    page.goto(f"{stack.web}/klienten/neu")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Geburtsdatum").fill(birth_date)
    page.get_by_label("Anschrift").fill(address)
    page.get_by_role("button", name="Registrieren").click()


def test_a_form_with_errors_shows_a_linked_summary_and_ties_each_message_to_its_field(
        page: Page, stack: Stack) -> None:
    sign_in_as_caseworker(page, stack, next_path="/klienten/neu")
    page.get_by_label("Name").fill("Ayşe Demir")
    page.get_by_label("Geburtsdatum").fill("31.02.2011")
    page.get_by_role("button", name="Registrieren").click()

    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Eingaben")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("Geburtsdatum"))).to_have_attribute(
        "href", "#field-birth_date")
    expect(summary.get_by_role("link", name=re.compile("Anschrift"))).to_be_visible()
    expect(page.get_by_label("Anschrift")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Anschrift")).to_have_accessible_description(
        re.compile("Bitte ausfüllen"))
    expect(page.get_by_label("Name")).to_have_value("Ayşe Demir")
    assert_accessible(page, "klient-registrieren-fehler")


def test_registering_a_person_the_team_knows_shows_the_match_first(
        page: Page, stack: Stack) -> None:
    name = f"Jonas Becker {uuid.uuid4().hex[:4]}"
    sign_in_as_caseworker(page, stack, next_path="/klienten")
    register(page, stack, name)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    page.goto(f"{stack.web}/klienten/neu")
    page.get_by_label("Name").fill(name.lower())
    page.get_by_label("Geburtsdatum").fill("03.02.2011")
    page.get_by_label("Anschrift").focus()  # leaving the field checks it at once
    expect(page.locator("#bekannt-hinweis")).to_contain_text("vermutlich schon registriert")
    expect(page.locator("#ansage")).to_have_text("Diese Person ist vermutlich schon registriert")

    register(page, stack, name.upper().replace("BECKER", "BECKER "), address="Anderswo 1")

    warning = page.get_by_role("alert").filter(has_text="vermutlich schon registriert")
    expect(warning.get_by_role("link", name=re.compile(name))).to_be_visible()
    page.get_by_label("trotzdem neu registrieren").check()
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_text("Die Person ist registriert.")).to_be_visible()
    page.goto(f"{stack.web}/klienten?name={name.replace(' ', '+')}&birth_date=03.02.2011")
    expect(page.get_by_role("heading", name="2 Treffer")).to_be_visible()
    assert_accessible(page, "klient-treffer")


def test_caseworker_corrects_a_clients_address(page: Page, stack: Stack) -> None:
    name = f"Mia Hoffmann {uuid.uuid4().hex[:4]}"
    sign_in_as_caseworker(page, stack, next_path="/klienten")
    register(page, stack, name)

    page.get_by_role("link", name="Name oder Anschrift ändern").click()
    expect(page.get_by_label("Geburtsdatum")).to_have_value("03.02.2011")
    page.get_by_label("Anschrift").fill("Bahnhofstraße 7, 12345 Musterstadt")
    assert_accessible(page, "klient-aendern")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_text("Die Angaben sind geändert.")).to_be_visible()
    expect(page.get_by_text("Bahnhofstraße 7, 12345 Musterstadt")).to_be_visible()


def test_a_live_filter_is_announced_and_keeps_the_sort_chosen(
        page: Page, stack: Stack) -> None:
    a_case(stack)
    sign_in_as_caseworker(page, stack)
    page.get_by_role("link", name=re.compile("^Sozialraum")).click()
    expect(page).to_have_url(re.compile("sort=district"))

    page.get_by_label("Handlungsfeld").select_option("jugend")

    expect(page.locator("#ansage")).to_have_text(re.compile(r"\d+ Fälle gefunden"))
    expect(page).to_have_url(re.compile("field_of_action=jugend"))
    expect(page).to_have_url(re.compile("sort=district"))
    expect(page.locator("#fallliste")).to_have_count(1)
    expect(page.get_by_role("columnheader", name=re.compile("Sozialraum"))).to_have_attribute(
        "aria-sort", "ascending")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meine Fälle")
    expect(page.get_by_label("Handlungsfeld")).to_have_value("")
    # What is announced is the new list's count, not the replaced one's.
    page.get_by_label("Sozialraum", exact=True).press_sequentially("Nirgendwo")
    expect(page.locator("#ansage")).to_have_text("0 Fälle gefunden")
