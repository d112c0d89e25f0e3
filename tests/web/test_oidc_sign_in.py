"""Signing in at a real OpenID provider, in Debian's Chromium, and out again.

The provider (oidc-provider-mock) and the web service run as HTTP servers; the browser
goes through the authorization code flow as a caseworker would.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import oidc_provider_mock
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from services.web.session import COOKIE, SessionCipher
from shared.auth import Role, TokenVerifier
from tests.web.browser import assert_accessible
from tests.web.oidc_servers import CLIENT_ID, Web, running_issuer, running_web

CASEWORKER = oidc_provider_mock.User(sub="fallmanagerin-nord",
                                     claims={"role": "caseworker", "team": "asd-nord"})
# A caseworker the issuer knows but gave no team: the services would refuse every list.
WITHOUT_TEAM = oidc_provider_mock.User(sub="ohne-team", claims={"role": "caseworker"})
pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_issuer(CASEWORKER, WITHOUT_TEAM) as url:
        yield url


@pytest.fixture(scope="module")
def web(issuer: str) -> Iterator[Web]:
    with running_web(issuer) as running:
        yield running


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """This module's own: it needs the issuer and the web service, not the other services."""
    with sync_playwright() as running:
        yield running


def session_of(context: BrowserContext, web: Web) -> tuple[dict[str, Any], dict[str, Any]]:
    """The session cookie as the browser keeps it, and what it holds (decrypted)."""
    [cookie] = [c for c in context.cookies(web.url) if c["name"] == COOKIE]
    return dict(cookie), SessionCipher(web.session_key).open(cookie["value"])


def at_issuer(issuer: str, path: str) -> re.Pattern[str]:
    return re.compile(re.escape(issuer + path) + r"(\?.*)?$")


def test_caseworker_signs_in_at_the_issuer_and_out_again(
        page: Page, web: Web, issuer: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # as in production
    page.goto(f"{web.url}/anmelden?next=/barrierefreiheit")
    page.wait_for_url(at_issuer(issuer, "/oauth2/authorize"))
    asked = {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}
    page.get_by_role("button", name=CASEWORKER.sub).click()
    page.wait_for_url(f"{web.url}/barrierefreiheit")

    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    cookie, session = session_of(page.context, web)
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
    assert [key for key in session if key.startswith("_state_")] == [], "the flow's secrets"
    assert (asked["code_challenge_method"], asked["client_id"]) == ("S256", CLIENT_ID)
    assert asked["redirect_uri"] == f"{web.url}/anmelden/rueckkehr"
    assert all(asked.get(name) for name in ("state", "nonce", "code_challenge"))
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    verifier = TokenVerifier(jwks_url=discovery["jwks_uri"], issuer=issuer, audience=CLIENT_ID)
    principal = verifier.verify(session["person"]["token"])
    assert (principal.subject, principal.role, principal.team) == (
        CASEWORKER.sub, Role.CASEWORKER, "asd-nord")
    assert "signed in with role caseworker" in caplog.text
    assert session["person"]["token"] not in caplog.text

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(at_issuer(issuer, "/oauth2/end_session"))
    ending = {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(f"{web.url}/anmelden?abgemeldet=1") + ".*"))

    assert ending["id_token_hint"] == session["person"]["token"]
    assert ending["post_logout_redirect_uri"] == f"{web.url}/anmelden?abgemeldet=1"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind abgemeldet.")
    assert "person" not in session_of(page.context, web)[1]
    assert_accessible(page, "oidc-signed-out")
    page.goto(f"{web.url}/faelle")
    page.wait_for_url(at_issuer(issuer, "/oauth2/authorize"))


def test_a_return_with_a_wrong_state_shows_the_error_page_and_signs_no_one_in(
        page: Page, web: Web, issuer: str) -> None:
    page.goto(f"{web.url}/anmelden?next=/barrierefreiheit")
    page.wait_for_url(at_issuer(issuer, "/oauth2/authorize"))
    # A valid code, taken outside the browser: as an attacker would plant their own.
    authorized = httpx.post(page.url, data={"sub": CASEWORKER.sub})
    code = parse_qs(urlsplit(authorized.headers["location"]).query)["code"][0]

    answer = page.goto(f"{web.url}/anmelden/rueckkehr?code={code}&state=forged")

    assert answer is not None
    assert (answer.status, page.url) == (400, f"{web.url}/anmelden/fehler")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung nicht möglich")
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)
    assert "person" not in session_of(page.context, web)[1]
    assert_accessible(page, "oidc-sign-in-failed")


def test_a_caseworker_without_a_team_is_told_why_and_not_signed_in(
        page: Page, web: Web, issuer: str) -> None:
    page.goto(f"{web.url}/anmelden?next=/barrierefreiheit")
    page.get_by_role("button", name=WITHOUT_TEAM.sub).click()
    page.wait_for_url(f"{web.url}/anmelden/fehler")

    expect(page.get_by_role("alert")).to_contain_text("fehlt das Team")
    expect(page.get_by_role("link", name="Noch einmal anmelden")).to_have_attribute(
        "href", "/anmelden?next=/barrierefreiheit")
    assert "person" not in session_of(page.context, web)[1]


def test_a_sign_in_refused_at_the_issuer_says_so(page: Page, web: Web, issuer: str) -> None:
    page.goto(f"{web.url}/anmelden?next=/barrierefreiheit")
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url(f"{web.url}/anmelden/fehler")

    expect(page.get_by_role("alert")).to_contain_text("abgebrochen oder abgelehnt")
    assert "person" not in session_of(page.context, web)[1]


def test_a_token_the_services_would_refuse_ends_the_sign_in_on_a_page_saying_so(
        page: Page, issuer: str) -> None:
    with running_web(issuer, auth_audience="another-audience") as misconfigured:
        page.goto(f"{misconfigured.url}/anmelden?next=/barrierefreiheit")
        page.get_by_role("button", name=CASEWORKER.sub).click()
        page.wait_for_url(f"{misconfigured.url}/anmelden/fehler")

        expect(page.get_by_role("alert")).to_contain_text("erkennen sie nicht an")
        assert "person" not in session_of(page.context, misconfigured)[1]


def test_the_development_sign_in_does_not_exist_when_oidc_is_configured(
        web: Web, issuer: str) -> None:
    with httpx.Client(base_url=web.url) as client:
        form_page = client.get("/barrierefreiheit").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form_page)
        assert csrf is not None

        posted = client.post("/anmelden", data={"csrf_token": csrf.group(1),
                                                "role": "caseworker", "team": "asd-nord"})
        start = client.get("/")
        sign_in = client.get("/anmelden")

    assert posted.status_code in {404, 405}
    assert "person" not in SessionCipher(web.session_key).open(client.cookies[COOKIE])
    assert (start.status_code, start.headers["location"]) == (303, "/anmelden")
    assert sign_in.status_code == 302
    assert sign_in.headers["location"].startswith(f"{issuer}/oauth2/authorize?")
