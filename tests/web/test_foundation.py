"""The web service's foundation: headers, CSRF, the session cookie, the sign-in, the language."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from services.web.session import COOKIE, SessionCipher
from tests.web.browser import assert_accessible
from tests.web.people import sign_in_as_caseworker
from tests.web.stack import Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_every_page_carries_the_security_headers(stack: Stack) -> None:
    answer = httpx.get(f"{stack.web}/anmelden")

    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_assets_come_from_the_web_service_itself(stack: Stack) -> None:
    page = httpx.get(f"{stack.web}/anmelden").text
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)

    assert sources
    assert all(source.startswith("/static/") for source in sources)
    for source in sources:
        assert httpx.get(stack.web + source).status_code == 200, source


def test_a_state_change_without_the_csrf_token_is_refused(stack: Stack) -> None:
    with httpx.Client(base_url=stack.web) as browser:
        browser.get("/anmelden")
        refused = browser.post("/anmelden", data={"role": "caseworker", "team": "asd-nord"})
        forged = browser.post("/anmelden", data={"role": "caseworker", "team": "asd-nord",
                                                 "csrf_token": "forged"})
        session = SessionCipher(stack.session_key).open(browser.cookies[COOKIE])

    assert refused.status_code == 403
    assert forged.status_code == 403
    assert "person" not in session, "a refused sign-in signed someone in"


def test_a_page_needing_a_sign_in_sends_the_person_there_and_back(
        page: Page, stack: Stack) -> None:
    page.goto(f"{stack.web}/klienten?name=Erika")

    expect(page).to_have_url(re.compile(r"/anmelden\?next="))
    assert_accessible(page, "anmeldung")
    sign_in_as_caseworker(page, stack, next_path="/klienten")

    expect(page).to_have_url(re.compile(r"/klienten$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Klient*in finden oder registrieren")
    cookie = next(c for c in page.context.cookies() if c["name"] == "wirkung_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert "eyJ" not in cookie["value"], "the token must not be readable in the cookie"


def test_the_language_switch_shows_the_pages_in_english_with_english_dates(
        page: Page, stack: Stack) -> None:
    sign_in_as_caseworker(page, stack, next_path="/barrierefreiheit")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page, "barrierefreiheit-en")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erklärung zur Barrierefreiheit")
    assert_accessible(page, "barrierefreiheit")


def test_signing_out_ends_the_session(page: Page, stack: Stack) -> None:
    sign_in_as_caseworker(page, stack, next_path="/klienten")

    page.get_by_role("button", name="Abmelden").click()

    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    page.goto(f"{stack.web}/klienten")
    expect(page).to_have_url(re.compile(r"/anmelden\?next="))


def test_an_unknown_page_answers_404_in_the_layout(page: Page, stack: Stack) -> None:
    answer = page.goto(f"{stack.web}/gibt-es-nicht")

    assert answer is not None
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
