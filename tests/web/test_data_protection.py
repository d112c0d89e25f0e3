"""The data protection officer's desk in the browser: find a person, the access request
(Art. 15) as a page and a file, erasure after a confirmation, the retention periods."""

from __future__ import annotations

import json
import uuid

import httpx
from playwright.sync_api import Page, expect

from shared.auth import Role, mint_token
from tests.web.browser import assert_accessible
from tests.web.people import sign_in_as, sign_in_as_caseworker
from tests.web.stack import Stack

LEVELS = {"-2": "nie", "-1": "selten", "0": "meist", "1": "fast immer", "2": "immer"}


def a_person_with_a_case(stack: Stack, name: str) -> tuple[str, str]:
    """A registered client with a case, a goal and a review (through the API): id, pseudonym."""
    token = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-dsb")
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        client = api.post("/clients", json={"name": name, "birth_date": "2008-08-08",
                                            "address": "Lindenweg 5"}).json()
        case = api.post("/cases", json={
            "client_id": client["id"], "field_of_action": "jugend", "district": "Nordstadt",
            "legal_basis": "SGB VIII §27", "target_groups": []}).json()
        goal = api.post(f"/cases/{case['id']}/goals", json={
            "title": "Ausbildungsplatz finden", "levels": LEVELS, "baseline": "-1"}).json()
        api.post(f"/cases/{case['id']}/goals/{goal['goals'][0]['id']}/reviews",
                 json={"level": 0, "note": "Zwei Bewerbungen geschrieben"}).raise_for_status()
        return str(client["id"]), str(client["pseudonym"])


def test_the_officer_answers_an_access_request_and_erases_after_confirming(
        page: Page, stack: Stack) -> None:
    name = f"Mia Sommer {uuid.uuid4().hex[:5]}"
    client_id, pseudonym = a_person_with_a_case(stack, name)
    sign_in_as(page, stack, Role.DATA_PROTECTION_OFFICER)

    expect(page.get_by_role("heading", name="Auskunft und Löschung: Person finden")).to_be_visible()
    page.get_by_label("Name").fill(name.upper())
    page.get_by_label("Geburtsdatum").fill("08.08.2008")
    page.get_by_role("button", name="Suchen").click()
    assert_accessible(page, "data-protection-find")
    page.get_by_role("link", name=name).click()

    expect(page.get_by_role("heading", name=f"Auskunft nach Art. 15 DSGVO {pseudonym}")) \
        .to_be_visible()
    expect(page.get_by_text("Lindenweg 5")).to_be_visible()
    expect(page.get_by_text("Ausbildungsplatz finden").first).to_be_visible()
    expect(page.get_by_text("Zwei Bewerbungen geschrieben").first).to_be_visible()
    accesses = page.get_by_role("region", name="Zugriffe auf diese Daten")
    expect(accesses.get_by_role("rowheader", name="cw-dsb").first).to_be_visible()
    expect(accesses.get_by_role("cell", name="subject_access").first).to_be_visible()
    assert_accessible(page, "data-protection-person")

    with page.expect_download() as download:
        page.get_by_role("link", name="Auskunft als Datei herunterladen (JSON)").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert download.value.suggested_filename == f"auskunft-{pseudonym}.json"
    assert exported["client"]["personal_data"]["name"] == name
    assert [record["case"]["goals"][0]["title"] for record in exported["cases"]] == [
        "Ausbildungsplatz finden"]

    page.get_by_role("link", name="Personenbezogene Daten löschen …").click()
    page.get_by_role("button", name="Endgültig löschen").click()  # not yet confirmed
    expect(page.get_by_role("alert")).to_contain_text("Bitte bestätigen Sie")
    assert_accessible(page, "data-protection-erase")
    page.get_by_label("Ich habe den Antrag und die Person geprüft").check()
    page.get_by_role("button", name="Endgültig löschen").click()

    expect(page.get_by_text("Die personenbezogenen Daten sind gelöscht.")).to_be_visible()
    expect(page.get_by_text("Lindenweg 5")).to_have_count(0)
    expect(page.get_by_role("link", name="Personenbezogene Daten löschen …")).to_have_count(0)
    # The case still counts: it is in the export, without the person.
    expect(page.get_by_role("heading", name="1 Fälle")).to_be_visible()
    assert client_id in page.url


def test_the_retention_page_and_the_desk_are_the_officers_alone(page: Page,
                                                                 stack: Stack) -> None:
    sign_in_as(page, stack, Role.DATA_PROTECTION_OFFICER, next_path="/datenschutz/loeschfristen")

    expect(page.get_by_role("heading", name="Löschfristen")).to_be_visible()
    expect(page.get_by_text("Derzeit ist niemand zur Löschung fällig.")).to_be_visible()
    assert_accessible(page, "data-protection-retention")

    page.context.clear_cookies()
    sign_in_as_caseworker(page, stack)
    for path in ("/datenschutz", "/datenschutz/loeschfristen"):
        answer = page.goto(f"{stack.web}{path}")
        assert answer is not None
        assert answer.status == 403
