"""Corrections, the hand-over and an expired sign-in, as a caseworker meets them in the browser."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from services.web.session import COOKIE, SessionCipher
from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.conftest import Seed, new_context
from tests.web.people import a_case, sign_in_as_caseworker
from tests.web.stack import TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def expire_the_sign_in(page: Page, stack: Stack) -> None:
    """As if the token's lifetime had run out: the session itself stays, as a browser keeps it."""
    cipher = SessionCipher(stack.session_key)
    [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE]
    session = cipher.open(cookie["value"])
    session["person"]["expires_at"] = int(time.time()) - 60
    page.context.add_cookies([{"name": COOKIE, "value": cipher.seal(session),
                               "url": stack.web}])


def test_an_expired_sign_in_keeps_the_half_filled_form_and_returns_to_it(
        page: Page, stack: Stack) -> None:
    case_id = a_case(stack)
    sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")
    page.get_by_role("textbox", name="Einschätzung").fill("Vater arbeitslos, Miete im Rückstand.")
    expire_the_sign_in(page, stack)

    page.get_by_role("button", name="Einschätzung speichern").click()

    expect(page).to_have_url(re.compile(r"/anmelden\?next="))
    sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")
    expect(page).to_have_url(re.compile(f"/faelle/{case_id}"))
    expect(page.get_by_role("textbox", name="Einschätzung")).to_have_value(
        "Vater arbeitslos, Miete im Rückstand.")
    page.get_by_role("button", name="Einschätzung speichern").click()
    expect(page.get_by_text("Die Einschätzung ist gespeichert.")).to_be_visible()


def test_a_page_read_after_the_sign_in_expired_sends_the_person_to_sign_in_and_back(
        page: Page, stack: Stack) -> None:
    sign_in_as_caseworker(page, stack, next_path="/fristen")
    expire_the_sign_in(page, stack)

    page.goto(f"{stack.web}/faelle?due=review")

    expect(page).to_have_url(re.compile(r"/anmelden\?next=/faelle%3Fdue%3Dreview|"
                                        r"/anmelden\?next=/faelle\?due=review"))
    sign_in_as_caseworker(page, stack, next_path="/faelle?due=review")
    expect(page).to_have_url(re.compile(r"/faelle\?due=review"))


def a_case_with_a_goal_and_a_delivery(stack: Stack, seed: Seed) -> tuple[str, str]:
    token = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-nord")
    case_id = a_case(stack)
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        goal = api.post(f"/cases/{case_id}/goals", json={
            "title": "Wohnung halten", "baseline": -1, "levels": {
                "-2": "Räumungsklage", "-1": "Mietrückstand wächst", "0": "Miete gezahlt",
                "1": "Rückstand sinkt", "2": "Rückstand getilgt"}})
        goal.raise_for_status()
        assigned = api.post(f"/cases/{case_id}/services", json={
            "agreement_id": seed.agreement_id, "units_planned": 20,
            "start_date": TODAY.isoformat()})
        assigned.raise_for_status()
        service: dict[str, Any] = assigned.json()["services"][0]
        api.post(f"/cases/{case_id}/services/{service['id']}/deliveries",
                 json={"period": "2026-Q4", "units": "7.5"}).raise_for_status()
    return case_id, str(goal.json()["goals"][0]["title"])


def test_caseworker_withdraws_a_goal_and_reverses_a_delivery_with_reasons(
        page: Page, stack: Stack, seed: Seed) -> None:
    case_id, goal_title = a_case_with_a_goal_and_a_delivery(stack, seed)
    sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")

    page.locator("summary", has_text="Ziel zurücknehmen").click()
    page.get_by_role("form", name=f"Ziel zurücknehmen: {goal_title}").get_by_label("Grund").fill(
        "beim falschen Fall gesetzt")
    page.get_by_role("button", name="Ziel zurücknehmen").click()
    expect(page.get_by_text("Das Ziel ist zurückgenommen.")).to_be_visible()
    expect(page.get_by_text("Grund der Rücknahme: beim falschen Fall gesetzt")).to_be_visible()

    page.locator("summary", has_text="stornieren").click()
    page.get_by_role("form", name="Erbringung 2026-Q4 stornieren").get_by_label("Grund").fill(
        "doppelt erfasst")
    page.get_by_role("button", name="Erbringung stornieren").click()
    expect(page.get_by_text("Die Erbringung ist storniert.")).to_be_visible()
    expect(page.get_by_text("storniert: doppelt erfasst")).to_be_visible()
    expect(page.get_by_text(re.compile(r"erbracht: 0\b"))).to_be_visible()
    assert_accessible(page, "fall-korrekturen")

    page.goto(f"{stack.web}/faelle/{case_id}/verlauf")
    for event in ("Ziel zurückgenommen", "Erbringung storniert"):
        expect(page.get_by_role("rowheader", name=event)).to_be_visible()


def test_caseworker_hands_a_case_to_another_team(browser: Browser, stack: Stack) -> None:
    case_id = a_case(stack)
    nord, sued = new_context(browser).new_page(), new_context(browser).new_page()
    sign_in_as_caseworker(nord, stack, next_path=f"/faelle/{case_id}")

    nord.get_by_label("neues Team").fill("asd-sued")
    nord.get_by_role("form", name="Fall übergeben").get_by_label("Grund").fill(
        "Familie ist in den Südviertel gezogen")
    nord.get_by_role("button", name="Fall übergeben").click()

    expect(nord.get_by_text("Der Fall ist übergeben.")).to_be_visible()
    expect(nord).to_have_url(re.compile(r"/faelle$"))
    answer = nord.goto(f"{stack.web}/faelle/{case_id}")
    assert answer is not None
    assert answer.status == 404
    sign_in_as_caseworker(sued, stack, team="asd-sued", next_path=f"/faelle/{case_id}/verlauf")
    for event in ("Fall eröffnet", "Fall übergeben"):
        expect(sued.get_by_role("rowheader", name=event)).to_be_visible()
    expect(sued.get_by_text("Team asd-sued")).to_be_visible()
    # The page sent the purpose of its form: the disclosure is logged as a hand-over.
    auditor = mint_token(stack.secret, role=Role.AUDITOR, subject="au-web")
    log = httpx.get(f"{stack.urls['cases']}/access-log", params={"object_ref": case_id},
                    headers={"Authorization": f"Bearer {auditor}"}, timeout=15).json()
    assert [entry["purpose"] for entry in log if entry["object_type"] == "case_handover"] == [
        "handover"]


def test_caseworker_reopens_a_closed_case_with_a_reason(page: Page, stack: Stack) -> None:
    case_id = a_case(stack)
    sign_in_as_caseworker(page, stack, next_path=f"/faelle/{case_id}")
    page.get_by_label("Abschlussgrund").select_option("dropped_out")
    page.get_by_role("button", name="Fall abschließen").click()
    expect(page.get_by_text("abgebrochen")).to_be_visible()

    page.get_by_label("Grund der Wiedereröffnung").fill("Mutter meldet sich erneut")
    page.get_by_role("button", name="Fall wiedereröffnen").click()

    expect(page.get_by_text("Der Fall ist wiedereröffnet.")).to_be_visible()
    expect(page.get_by_label("Abschlussgrund")).to_be_visible()
    page.goto(f"{stack.web}/faelle/{case_id}/verlauf")
    expect(page.get_by_role("rowheader", name="Fall wiedereröffnet")).to_be_visible()


def test_another_roles_workspace_is_not_reached(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.web}/anmelden?next=/")
    page.get_by_label("Datenschutz").check()
    page.get_by_role("button", name="Anmelden").click()

    expect(page).to_have_url(f"{stack.web}/datenschutz")
    answer = page.goto(f"{stack.web}/faelle")
    assert answer is not None
    assert answer.status == 404  # the caseworker's workspace is not the officer's
