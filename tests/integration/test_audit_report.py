"""`wirkung audit report`: the three services with demo data on the real servers, then the
report of a period as one HTML file, checked against the services' own answers and shown
in headless Chromium."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.metrics.periods import Grain, containing, parse_period
from services.web.clients import AgreementsApi, CasesApi, MetricsApi, Services
from services.web.report.gather import Progress, gather_report
from shared.audit.checkpoint import new_private_key_text, private_key, public_key_text
from shared.report.html import render
from shared.report.model import Report
from shared.report.svg import COLOUR
from shared.report.text import number
from shared.topics import Topics
from tests.integration.demo import SERVICES, seed_small_demo, three_services
from tests.report.page import Page, charts
from tests.report.png import read_png
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
)
from wirkung.report.gather import gather as database_report
from wirkung.report.gather import report_period

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "deploy" / "audit" / "screenshot-report.sh"
WRITERS = ("agreements", "cases")
HOSTILE_PURPOSE = '<script>alert("purpose")</script>'


@dataclass
class Audited:
    """A running system with data, and what `wirkung audit report` made of it."""

    urls: dict[str, str]
    metrics: httpx.AsyncClient
    cases: httpx.AsyncClient
    agreements: httpx.AsyncClient
    year: str
    year_report: subprocess.CompletedProcess[str]
    year_html: Path
    quarter: str  # the last quarter that has ended
    quarter_html: Path
    environment: dict[str, str]


def wirkung(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))}
    return subprocess.run([sys.executable, "-m", "wirkung", *args], capture_output=True,
                          text=True, env={**env, **environment}, cwd=ROOT, timeout=300,
                          check=False)


def seed(urls: dict[str, str]) -> None:
    # Up to the machine's day: the report is of the year `wirkung audit report` sees as current.
    seed_small_demo(urls, providers=8, per_provider=2, cases=300, today=date.today())


async def settled(urls: dict[str, str], topics: Topics) -> bool:
    """Every stored event chained and relayed, every relayed message in the facts."""
    published = 0
    for service in WRITERS:
        connection = await asyncpg.connect(urls[service])
        try:
            last = await connection.fetchval(
                f"SELECT coalesce(max(notification_id), 0) FROM {service}_events")  # noqa: S608
            chained = await connection.fetchval("SELECT coalesce(max(position), 0) "
                                                "FROM audit_chain")
            relayed = await connection.fetchrow("SELECT notification_id, published FROM "
                                                "relay_positions WHERE topic = $1",
                                                getattr(topics, service))
        finally:
            await connection.close()
        if relayed is None or not last == chained == relayed["notification_id"]:
            return False
        published += relayed["published"]
    connection = await asyncpg.connect(urls["metrics"])
    try:
        consumed = await connection.fetchval(
            "SELECT coalesce(sum(last_offset + 1), 0) FROM facts.input_positions "
            "WHERE topic = ANY($1)", [topics.agreements, topics.cases])
    finally:
        await connection.close()
    return published > 0 and consumed == published


async def read_cases(cases: httpx.AsyncClient, tokens: Tokens) -> None:
    """Reads for the access log: granted and refused, with and without a purpose."""
    opened = await cases.post("/cases", headers=bearer(tokens.caseworker), json={
        "client_pseudonym": f"p-{uuid.uuid4().hex[:8]}", "field_of_action": "jugend",
        "target_groups": ["Familien"], "district": "Nordstadt", "team": "asd-nord",
        "legal_basis": "SGB VIII §27", "age_band": "14-17"})
    assert opened.status_code == 201, opened.text
    case = f"/cases/{opened.json()['id']}"
    for token, purpose, status in (
            (tokens.caseworker, "assistance_planning", 200),
            (tokens.caseworker, "assistance_planning", 200),
            (tokens.auditor, None, 200),
            (tokens.other_caseworker, HOSTILE_PURPOSE, 403),  # no purpose of the catalog
            (tokens.data_protection_officer, None, 403)):
        headers = bearer(token) | ({"X-Purpose": purpose} if purpose else {})
        assert (await cases.get(case, headers=headers)).status_code == status


@pytest.fixture(scope="module")
async def audited(infrastructure: Infrastructure, secret: str, tokens: Tokens,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Audited]:
    keys = {name: new_private_key_text() for name in WRITERS}
    async with three_services(
            infrastructure, secret,
            agreements={"audit_key": keys["agreements"], "audit_checkpoint_seconds": 0.0},
            cases={"audit_key": keys["cases"], "audit_checkpoint_seconds": 0.0},
            metrics={"consumer_group": f"metrics-{uuid.uuid4().hex[:8]}"}) as running:
        topics, urls = running.topics, running.urls
        agreements, cases, metrics = (running.clients[name] for name in SERVICES)
        await asyncio.to_thread(seed, urls)
        await read_cases(cases, tokens)
        await eventually(lambda: settled(urls, topics), within=180, interval=1.0)
        await asyncio.sleep(1.0)  # the last checkpoint's publication
        environment = {
            **{f"WIRKUNG_{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
            **{f"WIRKUNG_{name.upper()}_AUDIT_PUBLIC_KEY": public_key_text(private_key(key))
               for name, key in keys.items()},
            "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
            "WIRKUNG_TOPIC_PREFIX": topics.prefix,
        }
        folder = tmp_path_factory.mktemp("report")
        today = date.today()
        year = str(today.year)
        this_quarter = containing(today, Grain.QUARTER)
        last_quarter = containing(this_quarter.start - timedelta(days=1), Grain.QUARTER).label
        year_report = await asyncio.to_thread(
            wirkung, "audit", "report", "--period", year, "--out", str(folder / "year.html"),
            "--home", str(folder), environment=environment)
        quarter_report = await asyncio.to_thread(
            wirkung, "audit", "report", "--period", last_quarter, "--out",
            str(folder / "quarter.html"), "--home", str(folder), environment=environment)
        assert quarter_report.returncode == 0, quarter_report.stderr
        yield Audited(urls, metrics, cases, agreements, year, year_report, folder / "year.html",
                      last_quarter, folder / "quarter.html", environment)


async def api_answer(audited: Audited, tokens: Tokens, indicator: str,
                     period: str) -> dict[str, Any]:
    response = await audited.metrics.get(f"/indicators/{indicator}?period={period}",
                                         headers=bearer(tokens.auditor))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_the_report_verifies_both_chains_and_shows_every_indicator_with_its_manifest(
        audited: Audited, tokens: Tokens) -> None:
    result = audited.year_report
    page = Page(audited.year_html.read_text())

    assert result.returncode == 0, result.stderr
    assert "Verifying the agreements service's chain" in result.stderr
    assert "Computing 19 indicators" in result.stderr
    assert str(audited.year_html) in result.stdout
    for service in WRITERS:
        connection = await asyncpg.connect(audited.urls[service])
        try:
            events = await connection.fetchval(f"SELECT count(*) FROM {service}_events")  # noqa: S608
        finally:
            await connection.close()
        (row,) = [row for row in page.rows if row[:1] == [service] and len(row) == 7]
        assert row[1:3] == [f"{events:,}", f"{events:,}"]
        assert int(row[3]) >= 1  # valid checkpoint signatures
        assert row[6] == "unversehrt / intact"
    assert len(charts(audited.year_html.read_text())) == 19
    assert "The period has not ended" in page.all_text
    for indicator in ("active_cases", "planned_closure_rate", "report_timeliness"):
        api = await api_answer(audited, tokens, indicator, audited.year)
        row = next(row for row in page.rows if row[0].endswith(f"{indicator} v1"))
        (cell,) = api["cells"]
        assert row[2] == number(cell["value"], row[1])
        manifest = row[6]
        assert f"definition_hash{api['definition_hash']}" in manifest
        assert f"input_positions{json.dumps(api['input_positions'], sort_keys=True)}" in manifest
        assert f"result_hash{api['manifest']['result_hash']}" in manifest


async def test_values_recorded_after_the_period_ended_are_listed_as_restatements(
        audited: Audited, tokens: Tokens) -> None:
    page = Page(audited.quarter_html.read_text())
    response = await audited.metrics.get(
        f"/indicators/active_cases/restatements?period={audited.quarter}&limit=50",
        headers=bearer(tokens.auditor))
    assert response.status_code == 200, response.text
    api = response.json()

    restated = [row for row in page.rows
                if len(row) == 6 and row[:2] == ["Laufende Fälle / Active cases", audited.quarter]]

    # All demo data was recorded after the quarter ended: each case recorded restates it.
    assert api["restatements"]
    assert len(restated) == len(api["restatements"])
    first, shown = api["restatements"][0], restated[0]
    (change,) = first["changes"]
    assert shown[2] == datetime.fromisoformat(first["recorded_at"]).isoformat()
    after = change["after"]
    assert shown[4] == ("zurückgehalten / withheld" if after["suppressed"]
                        else number(after["value"], "cases"))
    named = first["events"][0]
    assert f"{named['aggregate_id']} v{named['version']} (id {named['id']})" in shown[5]
    assert named["type"].split(".")[-2] in shown[5]
    if api["moments_left"]:
        assert f"active_cases: 50 geprüft / examined, {api['moments_left']:,} weitere" \
            in page.all_text


async def test_the_access_log_is_counted_by_role_and_purpose_with_hostile_text_escaped(
        audited: Audited, tokens: Tokens) -> None:
    entries = (await audited.cases.get("/access-log?limit=1000",
                                       headers=bearer(tokens.auditor))).json()
    expected = Counter((e["role"], e["purpose"], e["granted"]) for e in entries
                       if e["at"].startswith(audited.year))
    text = audited.year_html.read_text()
    rows = Page(text).rows

    for role, purpose in {(role, purpose) for role, purpose, _ in expected}:
        granted, refused = expected[(role, purpose, True)], expected[(role, purpose, False)]
        assert ["cases", role, purpose, str(granted), str(refused),
                str(granted + refused)] in rows
    assert ["cases", "caseworker", "assistance_planning", "2", "0", "2"] in rows
    assert HOSTILE_PURPOSE not in text
    assert "&lt;script&gt;alert(&quot;purpose&quot;)&lt;/script&gt;" in text


def test_the_report_opens_in_chromium_and_shows_the_charts(audited: Audited) -> None:
    png = audited.year_html.with_suffix(".png")

    result = subprocess.run([str(SCREENSHOT), str(audited.year_html), str(png), "1280x1400"],
                            capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stderr
    image = read_png(png)
    assert (image.width, image.height) == (1280, 1400)
    wanted = tuple(int(COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    coloured = [(x, y) for y in range(image.height) for x in range(image.width)
                if all(abs(a - b) <= 12
                       for a, b in zip(image.pixel(x, y), wanted, strict=True))]
    assert len(coloured) > 2000, "hardly any pixel in the charts' colour"
    assert len({x for x, _ in coloured}) > 400, "the charts' marks cover too little width"


def test_an_unreachable_database_is_named_and_a_wrong_period_explained(
        audited: Audited, tmp_path: Path) -> None:
    gone = {**audited.environment,
            "WIRKUNG_METRICS_DATABASE_URL": "postgresql://postgres@127.0.0.1:9/nothing"}

    unreachable = wirkung("audit", "report", "--period", "2026", "--out",
                          str(tmp_path / "r.html"), "--home", str(tmp_path), environment=gone)
    wrong = wirkung("audit", "report", "--period", "2026-Q5", "--out", str(tmp_path / "r.html"),
                    "--home", str(tmp_path), environment=audited.environment)

    assert unreachable.returncode == 1
    assert "cannot read the metrics database" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    assert wrong.returncode == 1
    assert "'2026-Q5' is no period" in wrong.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("which", ["quarter", "year"])
async def test_the_web_gathers_from_the_apis_what_the_command_reads_from_the_databases(
        audited: Audited, tokens: Tokens, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        which: str) -> None:
    for name, value in audited.environment.items():
        monkeypatch.setenv(name, value)
    period = parse_period(getattr(audited, which))
    services = Services(agreements_url="http://agreements", cases_url="http://cases",
                        metrics_url="http://metrics")
    services.agreements = AgreementsApi(audited.agreements)
    services.cases = CasesApi(audited.cases)
    services.metrics = MetricsApi(audited.metrics)

    from_apis = await gather_report(services, tokens.auditor, report_period(period),
                                    Progress())
    from_databases = await asyncio.to_thread(database_report, period, tmp_path)

    def unmade(report: Report) -> Report:
        """The report without when it was made (and when each answer was given)."""
        return replace(report, made_at=datetime.min, indicators=[
            replace(values, manifest={k: v for k, v in values.manifest.items()
                                      if k != "answered_at"})
            for values in report.indicators])

    # The quarter has ended (the demo data restates it); this year holds the reads.
    if which == "quarter":
        assert any(restated.changes for restated in from_apis.restatements)
    else:
        assert from_apis.accesses[1].counts
    assert unmade(from_apis) == unmade(from_databases)
    assert render(unmade(from_apis)) == render(unmade(from_databases))
