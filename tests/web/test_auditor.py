"""The auditor's desk in the browser: histories, states as of a moment, differences, the
chain of both write services; and nobody else gets in."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from shared.auth import Role, mint_token
from shared.embedded.process import free_port, start_child, stop_child, wait_until
from shared.report.model import Figures
from shared.report.text import cell_text
from tests.report.page import Page as ReportPage
from tests.web.browser import assert_accessible
from tests.web.conftest import Seed
from tests.web.people import a_case, sign_in_as, sign_in_as_caseworker
from tests.web.stack import ROOT, TODAY, Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]
BERLIN = ZoneInfo("Europe/Berlin")
TITLE = "Schulbegleitung Nordstadt (Revision)"


@dataclass(frozen=True)
class Changed:
    """An agreement drafted, then (a second later or more) signed and amended; the moment
    between, to the second in Berlin time as the auditor types it."""

    agreement_id: str
    before_signing: str


def next_second() -> str:
    """Now in Berlin to the second, once the clock has passed the second it is in."""
    time.sleep(1.05 - (time.time() % 1))
    return datetime.now(BERLIN).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture(scope="module")
def changed(stack: Stack, seed: Seed) -> Changed:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-revision")
    with httpx.Client(base_url=stack.urls["agreements"], timeout=15,
                      headers={"Authorization": f"Bearer {manager}"}) as api:
        drafted = api.post("/agreements", json={
            "provider_id": seed.provider_id, "title": TITLE, "budget_product_code": "3.6.3.02",
            "field_of_action": "jugend", "districts": ["Nordstadt"],
            "target_groups": ["Schulkinder"],
            "term_start": date(TODAY.year, 1, 1).isoformat(),
            "term_end": date(TODAY.year + 1, 12, 31).isoformat(),
            "annual_budget_cents": 9_000_000, "pricing_unit": "hour",
            "unit_price_cents": 5500, "capacity": 12,
            "impact_goals": [{"text": "80 % besuchen regelmäßig die Schule",
                              "indicator_id": "goal_attainment_rate", "comparison": ">=",
                              "target_value": "0.8"}]})
        drafted.raise_for_status()
        agreement_id = drafted.json()["id"]
        moment = next_second()
        time.sleep(1.1)
        signed = api.post(f"/agreements/{agreement_id}/signature", headers={"If-Match": '"1"'})
        assert signed.status_code == 200, signed.text
        amended = api.post(f"/agreements/{agreement_id}/amendments", headers={"If-Match": '"2"'},
                           json={"effective_date": TODAY.isoformat(),
                                 "reason": "Mehr Schulkinder", "capacity": 15})
        assert amended.status_code == 200, amended.text
    return Changed(agreement_id, moment)


@pytest.fixture
def auditor(page: Page, stack: Stack) -> Page:
    sign_in_as(page, stack, Role.AUDITOR)
    return page


def test_auditor_reads_the_seeded_agreements_history_event_by_event(
        auditor: Page, stack: Stack, seed: Seed) -> None:
    page = auditor
    expect(page).to_have_url(re.compile(r"/revision$"))
    assert_accessible(page, "auditor-lookup")
    expect(page.locator("#traeger ~ table tbody tr").first).to_be_visible()
    link = page.locator(f'a[href="/revision/verlauf/traeger/{seed.provider_id}"]')
    # The providers are listed by name, 25 a page: other tests may have put more before it.
    if link.count():
        link.first.click()
    else:
        page.goto(f"{stack.web}/revision/verlauf/traeger/{seed.provider_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(seed.provider_name)
    expect(page.locator("table.audit-events")).to_contain_text("Träger registriert")
    assert_accessible(page, "auditor-provider-history")
    page.get_by_role("link", name=seed.agreement_title).click()

    events = page.locator("table.audit-events tbody tr")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("Vereinbarung entworfen")
    expect(events.nth(0)).to_contain_text("ServiceAgreement.Drafted")
    expect(events.nth(1)).to_contain_text("Vereinbarung unterzeichnet")
    expect(events.nth(1)).to_contain_text("cm-web")
    events.nth(0).get_by_text("Daten").click()
    expect(events.nth(0).locator("dl")).to_contain_text("Ambulante Erziehungshilfe Nordstadt")
    assert_accessible(page, "auditor-agreement-history")


def test_auditor_sees_an_agreement_as_it_stood_before_a_change_and_what_changed(
        auditor: Page, stack: Stack, seed: Seed, changed: Changed) -> None:
    page = auditor
    page.goto(f"{stack.web}/revision/verlauf/traeger/{seed.provider_id}")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("table.audit-events tbody tr")).to_have_count(3)

    page.get_by_label("oder Zeitpunkt").first.fill(changed.before_signing)
    page.get_by_role("button", name="Stand anzeigen").click()

    state = page.locator("#stand-felder")
    expect(state.locator("caption")).to_contain_text("Version 1")
    expect(state.get_by_role("row", name=re.compile(r"^status\b"))).to_contain_text("draft")
    expect(state.get_by_role("row", name=re.compile(r"terms\.capacity"))).to_contain_text("12")

    page.locator("#field-von").fill(changed.before_signing)
    page.locator("#field-bis_version").select_option("3")
    page.get_by_role("button", name="Unterschied zeigen").click()

    difference = page.locator("#unterschied-felder")
    capacity = difference.get_by_role("row", name=re.compile(r"terms\.capacity"))
    expect(capacity.locator("td").nth(0)).to_have_text("12")
    expect(capacity.locator("td").nth(1)).to_have_text("15")
    expect(difference.get_by_role("row", name=re.compile(r"^status\b"))).to_contain_text(
        "active")
    expect(difference.locator("caption")).to_contain_text("Version 1")
    expect(difference.locator("caption")).to_contain_text("Version 3")
    assert_accessible(page, "auditor-state-and-difference")


def test_auditor_follows_an_agreement_to_a_corrected_report_and_sees_what_changed(
        auditor: Page, stack: Stack, seed: Seed, changed: Changed) -> None:
    provider = {"Authorization": "Bearer " + mint_token(
        stack.secret, role=Role.PROVIDER, provider_id=seed.provider_id, subject="tr-revision")}
    manager = {"Authorization": "Bearer " + mint_token(
        stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-revision")}
    figures = {"participants": 40, "units_delivered": "300.5", "expenditure_cents": 5_800_000,
               "outcomes": [{"indicator_id": "goal_attainment_rate", "achieved": 20,
                             "measured": 30}], "narrative": "Das Quartal lief gut."}
    reports = f"/agreements/{changed.agreement_id}/reports"
    with httpx.Client(base_url=stack.urls["agreements"], timeout=15) as api:
        for method, path, headers, body in [
                ("POST", reports, provider, {"period": f"{TODAY.year}-Q1", **figures}),
                ("POST", f"{reports}/{TODAY.year}-Q1/rejection",
                 {**manager, "If-Match": '"1"'}, {"reason": "Belege fehlen"}),
                ("PUT", f"{reports}/{TODAY.year}-Q1",
                 {**provider, "If-Match": '"2"'}, {**figures, "participants": 41})]:
            answer = api.request(method, path, headers=headers, json=body)
            assert answer.status_code in (200, 201), answer.text
    page = auditor
    page.goto(f"{stack.web}/revision/verlauf/vereinbarung/{changed.agreement_id}")

    page.get_by_role("link", name=f"Bericht {TODAY.year}-Q1").click()

    events = page.locator("table.audit-events tbody tr")
    expect(events).to_have_count(3)
    expect(events.nth(1)).to_contain_text("Bericht abgelehnt")
    expect(events.nth(2)).to_contain_text("Bericht korrigiert eingereicht")
    page.locator("#field-von_version").select_option("1")
    page.locator("#field-bis_version").select_option("3")
    page.get_by_role("button", name="Unterschied zeigen").click()
    participants = page.locator("#unterschied-felder").get_by_role(
        "row", name=re.compile(r"^current\.figures\.participants"))
    expect(participants.locator("td").nth(0)).to_have_text("40")
    expect(participants.locator("td").nth(1)).to_have_text("41")
    assert_accessible(page, "auditor-report-history")


def test_a_moment_that_is_not_one_or_before_the_agreement_is_named_beside_the_field(
        auditor: Page, stack: Stack, changed: Changed) -> None:
    page = auditor
    history = f"{stack.web}/revision/verlauf/vereinbarung/{changed.agreement_id}"

    response = page.goto(f"{history}?stand=gestern")

    assert response is not None
    assert response.status == 422
    expect(page.get_by_label("oder Zeitpunkt").first).to_have_accessible_description(
        re.compile("Bitte einen gültigen Zeitpunkt angeben"))
    page.goto(f"{history}?stand=2001-01-01T00:00:00")
    expect(page.get_by_label("oder Zeitpunkt").first).to_have_accessible_description(
        re.compile("gab es den Eintrag noch nicht"))
    assert_accessible(page, "auditor-history-errors")


def test_auditor_finds_a_case_by_its_pseudonym_and_sees_how_it_changed(
        auditor: Page, stack: Stack) -> None:
    case_id = a_case(stack)
    caseworker = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord",
                            subject="cw-asd-nord")
    with httpx.Client(base_url=stack.urls["cases"], timeout=15,
                      headers={"Authorization": f"Bearer {caseworker}"}) as api:
        pseudonym = api.get(f"/cases/{case_id}").json()["client_pseudonym"]
        api.post(f"/cases/{case_id}/assessment", headers={"If-Match": '"1"'},
                 json={"summary": "Schulangst, Unterstützung der Eltern nötig"}
                 ).raise_for_status()
    page = auditor

    page.get_by_label("Pseudonym der Klient*in").fill(pseudonym)
    page.get_by_role("button", name="Fälle suchen").click()
    found = page.get_by_role("table", name=re.compile(pseudonym))
    expect(found.locator("tbody tr")).to_have_count(1)
    assert_accessible(page, "auditor-case-lookup")
    found.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    events = page.locator("table.audit-events tbody tr")
    expect(events.nth(0)).to_contain_text("Fall eröffnet")
    expect(events.nth(1)).to_contain_text("Einschätzung erfasst")
    expect(events.nth(1)).to_contain_text("Case.Assessed")
    page.locator("#field-von_version").select_option("1")
    page.locator("#field-bis_version").select_option("2")
    page.get_by_role("button", name="Unterschied zeigen").click()
    expect(page.locator("#unterschied-felder").get_by_role(
        "row", name=re.compile(r"^version\b"))).to_contain_text("2")
    assert_accessible(page, "auditor-case-history")


def test_an_unknown_pseudonym_finds_no_case(auditor: Page) -> None:
    auditor.get_by_label("Pseudonym der Klient*in").fill("p-0000000000000000")
    auditor.get_by_role("button", name="Fälle suchen").click()

    expect(auditor.get_by_role("status").filter(has_text="kein Fall")).to_be_visible()


def test_auditor_sees_both_chains_intact_with_their_latest_signed_checkpoints(
        auditor: Page, stack: Stack, seed: Seed) -> None:
    page = auditor
    page.get_by_role("link", name="Prüfkette").click()
    deadline = time.monotonic() + 60
    while page.locator("table.checkpoints").count() < 2 or \
            page.get_by_text("Die Kette ist intakt.").count() < 2:
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        time.sleep(1)
        page.reload()

    for service in ("agreements", "cases"):
        section = page.locator("section").filter(
            has=page.get_by_role("heading", name=re.compile(f"\\({service}\\)")))
        expect(section.get_by_role("status")).to_contain_text("Die Kette ist intakt.")
        expect(section.locator("table.checkpoints tbody tr").first).to_be_visible()
        expect(section.locator("pre.minutes")).to_contain_text("Öffentlicher Schlüssel")
        expect(section.locator("pre.minutes")).to_contain_text(
            section.locator("table.checkpoints code.hash").first.inner_text())
    assert_accessible(page, "auditor-chain")

    page.get_by_role("button", name="Jetzt neu prüfen").click()
    expect(page.get_by_text("Die Prüfung beider Ketten ist gestartet.")).to_be_visible()
    expect(page.get_by_text("Die Kette ist intakt.")).to_have_count(2)


def settled_answer(stack: Stack, indicator: str, period: str) -> dict[str, Any]:
    """The metrics API's answer to the auditor once it has consumed what was recorded: the
    same input positions twice, a second and a half apart."""
    token = mint_token(stack.secret, role=Role.AUDITOR, subject="au-test")
    with httpx.Client(base_url=stack.urls["metrics"], timeout=15,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        previous: dict[str, Any] | None = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answer = api.get(f"/indicators/{indicator}", params={"period": period})
            answer.raise_for_status()
            current: dict[str, Any] = answer.json()
            if previous and previous["input_positions"] == current["input_positions"]:
                return current
            previous = current
            time.sleep(1.5)
    raise AssertionError(f"the metrics service did not settle for {indicator}")


def catalog(stack: Stack) -> list[dict[str, Any]]:
    token = mint_token(stack.secret, role=Role.AUDITOR, subject="au-test")
    answer = httpx.get(f"{stack.urls['metrics']}/indicators", timeout=15,
                       headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    entries: list[dict[str, Any]] = answer.json()
    return entries


def access_counts(stack: Stack, service: str, since: str, until: str) -> list[dict[str, Any]]:
    token = mint_token(stack.secret, role=Role.AUDITOR, subject="au-test")
    answer = httpx.get(f"{stack.urls[service]}/access-log/counts", timeout=15,
                       params={"since": since, "until": until},
                       headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    counts: list[dict[str, Any]] = answer.json()["counts"]
    return counts


def test_auditor_makes_the_report_of_a_year_and_downloads_it_when_done(
        auditor: Page, stack: Stack, seed: Seed, changed: Changed, tmp_path: Path) -> None:
    page, year = auditor, str(TODAY.year)
    expected = settled_answer(stack, "active_cases", year)
    page.get_by_role("link", name="Prüfbericht").click()
    page.get_by_label("Jahr", exact=True).fill("20x6")
    page.get_by_role("button", name="Prüfbericht erstellen").click()
    expect(page.locator("#field-jahr-error")).to_contain_text(
        "Bitte ein Jahr mit vier Ziffern angeben")
    assert_accessible(page, "auditor-report-refused")

    page.get_by_label("Jahr", exact=True).fill(year)
    page.get_by_label("Zeitraum im Jahr").select_option(label="ganzes Jahr")
    page.get_by_role("button", name="Prüfbericht erstellen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Prüfbericht {year}")
    download_link = page.get_by_role("link", name="Prüfbericht herunterladen")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Die Ketten beider Dienste sind unversehrt.")).to_be_visible()
    assert_accessible(page, "auditor-report-done")
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    assert download.suggested_filename == f"pruefbericht-{year}.html"
    fetched = page.request.get(f"{page.url}/datei")
    assert fetched.headers["content-disposition"] == \
        f'attachment; filename="pruefbericht-{year}.html"'
    assert fetched.headers["content-type"].startswith("text/html")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    report = ReportPage(saved.read_text(encoding="utf-8"))
    assert f"Prüfbericht / Auditor's report {year}" in report.all_text
    for service in ("agreements", "cases"):
        (chain,) = [row for row in report.rows if row[:1] == [service] and len(row) == 7]
        assert chain[6] == "unversehrt / intact"
        assert int(chain[1].replace(",", "")) > 0
    # Every indicator as the API answers it; one with a value shown as the API gives it.
    rows = {row[0]: row for row in report.rows if len(row) == 7}
    indicators = {entry["id"]: rows[f"{entry['title_de']} / {entry['title_en']}{entry['id']} "
                                    f"v{entry['version']}"] for entry in catalog(stack)}
    active = indicators["active_cases"]
    assert active[2] == cell_text(Figures.of(expected["cells"][0]), active[1])
    assert f"result_hash{expected['manifest']['result_hash']}" in active[6]
    shown = next(name for name, row in indicators.items()
                 if row[2] not in ("\N{EN DASH}", "zurückgehalten / withheld"))
    answer = settled_answer(stack, shown, year)
    assert answer["input_positions"] == expected["input_positions"]
    assert indicators[shown][2] == cell_text(Figures.of(answer["cells"][0]),
                                             indicators[shown][1])
    since = datetime(int(year), 1, 1, tzinfo=UTC).isoformat()
    until = datetime(int(year) + 1, 1, 1, tzinfo=UTC).isoformat()
    # The access log keeps the machine's moments, not the stack's day: in the year of the
    # report there are accesses only when the calendar is in it too. Either way the report
    # shows exactly those the APIs count, or says there were none.
    counted = [[service, count["role"], count["purpose"], f"{count['granted']:,}",
                f"{count['refused']:,}", f"{count['granted'] + count['refused']:,}"]
               for service in ("agreements", "cases")
               for count in access_counts(stack, service, since, until)]
    shown = [row for row in report.rows if len(row) == 6 and row[0] in ("agreements", "cases")]
    assert sorted(shown) == sorted(counted)
    assert ("Keine Zugriffe im Zeitraum." in report.all_text) == (not counted)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def without_metrics(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack seen through a second web process whose metrics service is gone (nothing
    listens where it looks for it)."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))},
        "WIRKUNG_AUTH_SECRET": stack.secret, "WIRKUNG_WEB_SESSION_KEY": stack.session_key,
        "WIRKUNG_WEB_SECURE_COOKIES": "false", "WIRKUNG_LOG_LEVEL": "WARNING",
        "WIRKUNG_FIXED_DAY": TODAY.isoformat(),
        "WIRKUNG_AGREEMENTS_URL": stack.urls["agreements"],
        "WIRKUNG_CASES_URL": stack.urls["cases"],
        "WIRKUNG_METRICS_URL": f"http://127.0.0.1:{free_port()}"}
    log = tmp_path_factory.mktemp("web-without-metrics") / "web.log"
    child = start_child([sys.executable, "-m", "wirkung", "serve", "web", "--port", str(port)],
                        log=log, env=environment, cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _healthy(url), timeout=60, what="the second web process",
                   process=child, log=log)
        yield replace(stack, urls={**stack.urls, "web": url})
    finally:
        stop_child(child, timeout=20)


def test_auditor_is_told_which_service_did_not_answer_and_gets_no_report(
        page: Page, without_metrics: Stack) -> None:
    sign_in_as(page, without_metrics, Role.AUDITOR)
    page.goto(f"{without_metrics.web}/revision/pruefbericht")
    page.get_by_label("Jahr", exact=True).fill(str(TODAY.year))
    page.get_by_role("button", name="Prüfbericht erstellen").click()

    expect(page.get_by_role("heading", name="Der Prüfbericht konnte nicht erstellt werden")) \
        .to_be_visible(timeout=30_000)
    expect(page.locator("#bericht")).to_contain_text("Der Kennzahlendienst antwortet nicht")
    expect(page.get_by_role("link", name="Prüfbericht herunterladen")).to_have_count(0)
    assert page.request.get(f"{page.url}/datei").status == 404
    assert_accessible(page, "auditor-report-failed")


@pytest.mark.parametrize("path", ["/revision", "/revision/kette", "/revision/pruefbericht",
                                  "/revision/verlauf/fall/6f1c0a52-3c1e-4d8e-9a57-2f0f6b8f1a10"])
def test_a_caseworker_gets_the_refusal_page_on_the_auditors_desk(
        page: Page, stack: Stack, path: str) -> None:
    sign_in_as_caseworker(page, stack)

    response = page.goto(f"{stack.web}{path}")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Das ist nicht möglich")
    expect(page.get_by_role("link", name="Verläufe")).to_have_count(0)


def test_a_contract_manager_gets_the_refusal_page_on_the_chain(page: Page, stack: Stack) -> None:
    sign_in_as(page, stack, Role.CONTRACT_MANAGER)

    response = page.goto(f"{stack.web}/revision/kette")

    assert response is not None
    assert response.status == 403
    assert_accessible(page, "auditor-refused")
