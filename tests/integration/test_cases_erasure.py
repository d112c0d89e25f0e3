"""Erasing a client: the key is destroyed, no copy of the person's data (name, birth date,
address, and every free text a caseworker wrote about the person) is left in a dump of any
database or on any topic, the case's history still shows each event with the text replaced
by the marker, the audit chain still verifies, and the client's cases still count in the
indicators."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from services.cases.sealed_text import ERASED_TEXT
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared.audit.checkpoint import new_private_key_text, private_key, public_key_text
from shared.embedded.postgres import _binaries
from tests.cases.system import (
    CasesSystem,
    agreement_feed,
    cases_system,
    replicated_agreement,
)
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_database,
    new_topics,
    read_topic,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NAME, FIRST_NAME, LAST_NAME = "Jürgen Quastenflosser", "Jürgen", "Quastenflosser"
BIRTH_DATE = "1987-11-23"
ADDRESS = "Zwiebelgasse 17a, 12345 Musterstadt"
ROOT = Path(__file__).resolve().parents[2]
AUDIT_KEY = new_private_key_text()
# Every kind of free text a caseworker can write about the person.
LEVELS = {"-2": "Mutter trinkt täglich", "-1": "Mutter trinkt mehrmals pro Woche",
          "0": "Mutter trinkt höchstens einmal pro Woche", "1": "Mutter trinkt selten",
          "2": "Mutter lebt abstinent"}
TEXTS = {
    "summary": "Alkoholabhängigkeit der Mutter, Gewalt in der Familie",
    "title": "Abstinenz der Mutter stabilisieren",
    "other_title": "Schuldnerberatung wahrnehmen",
    "note": "Rückfall nach dem Streit mit dem Stiefvater",
    "withdrawal": "Ziel gehört zum Fall der Schwester Quastenflosser",
    "reversal": "Termin doppelt erfasst, Mutter lag in der Entzugsklinik",
    "ending": "Beratung abgebrochen wegen stationärer Psychotherapie",
    "reopening": "erneuter Rückfall, Kindeswohlgefährdung gemeldet",
    "handover": "Umzug der Familie zur Großmutter nach Süd",
}
FREE_TEXT = [*TEXTS.values(), *LEVELS.values()]


def every_form_of_the_personal_data() -> set[bytes]:
    """The name, birth date, address and every free text as text, dates, JSON escapes and
    hex (bytea)."""
    texts = {NAME, FIRST_NAME, LAST_NAME, ADDRESS, "Zwiebelgasse", BIRTH_DATE,
             "23.11.1987", "23.11.87", "19871123", "1987/11/23", "11/23/1987", *FREE_TEXT}
    texts |= {json.dumps(text)[1:-1] for text in set(texts)}  # "J\u00fcrgen"
    texts |= {text.lower() for text in set(texts)} | {text.upper() for text in set(texts)}
    forms = {text.encode() for text in texts} | {text.encode("latin-1", "ignore")
                                                 for text in texts}
    return forms | {form.hex().encode() for form in forms}


@dataclass
class System:
    cases: CasesSystem
    metrics: httpx.AsyncClient
    metrics_database_url: str


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[System]:
    topics = await new_topics(infrastructure)
    metrics_database_url = await new_database(infrastructure)
    metrics_settings = settings_for(
        MetricsSettings, database_url=metrics_database_url,
        infrastructure=infrastructure, topic_prefix=topics.prefix, secret=secret,
        consumer_group=f"metrics-{uuid.uuid4().hex[:8]}", disclosure_threshold=1)
    async with AsyncExitStack() as stack:
        cases = await stack.enter_async_context(cases_system(
            infrastructure, secret, topics=topics, audit_key=AUDIT_KEY,
            audit_checkpoint_seconds=0.0))
        metrics = await stack.enter_async_context(serving(metrics_app(metrics_settings)))
        yield System(cases=cases, metrics=metrics, metrics_database_url=metrics_database_url)


async def worked_on(cases: CasesSystem, case_id: str, tokens: Tokens) -> None:
    """Every kind of free text written into the case: assessment, goals with their levels,
    a review, a withdrawal, a reversal, an ended service, a reopening and a hand-over."""
    async def command(path: str, body: dict[str, Any], token: str = tokens.caseworker,
                      status: int = 200) -> httpx.Response:
        # With an Idempotency-Key, as the web sends one: its stored answer holds the texts.
        answer = await cases.post(f"/cases/{case_id}{path}", token, body,
                                  **{"Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code == status, answer.text
        return answer

    async with agreement_feed(cases) as feed:
        agreement_id = await replicated_agreement(cases, feed, field_of_action="gesundheit",
                                                  capacity=5)
    await command("/assessment", {"summary": TEXTS["summary"]})
    goal = (await command("/goals", {"title": TEXTS["title"], "baseline": -1,
                                     "levels": LEVELS}, status=201)).headers["location"]
    other = (await command("/goals", {"title": TEXTS["other_title"], "baseline": 0,
                                      "levels": LEVELS}, status=201)).headers["location"]
    await command(f"/goals/{goal.rsplit('/', 1)[1]}/reviews", {"level": 1,
                                                               "note": TEXTS["note"]})
    await command(f"/goals/{other.rsplit('/', 1)[1]}/withdrawal",
                  {"reason": TEXTS["withdrawal"]})
    service = (await command("/services", {"agreement_id": str(agreement_id),
                                           "units_planned": "10", "start_date": "2026-02-10"},
                             status=201)).headers["location"].rsplit("/", 1)[1]
    delivered = await command(f"/services/{service}/deliveries",
                              {"period": "2026-02", "units": "2"})
    [delivery] = delivered.json()["services"][0]["deliveries"]
    await command(f"/services/{service}/deliveries/{delivery['delivery_id']}/reversal",
                  {"reason": TEXTS["reversal"]})
    await command(f"/services/{service}/end", {"reason": TEXTS["ending"]})
    await command("/closure", {"reason": "dropped_out"})
    await command("/reopening", {"reason": TEXTS["reopening"]})
    await command("/handover", {"team": "asd-sued", "reason": TEXTS["handover"]})


@pytest.fixture(scope="module")
async def erased(system: System, tokens: Tokens) -> dict[str, Any]:
    """An erased client whose case was worked on before the erasure, with every kind of
    free text."""
    cases = system.cases
    client = await cases.new_client(tokens.caseworker, name=NAME, birth_date=BIRTH_DATE,
                                    address=ADDRESS, gender_category="male")
    case = await cases.new_case(tokens.caseworker, client["id"], field_of_action="gesundheit")
    await worked_on(cases, case["id"], tokens)
    read_before = await cases.get(f"/cases/{case['id']}", tokens.other_caseworker)
    [key] = await cases.fetch("SELECT key FROM client_keys WHERE client_id = $1",
                              uuid.UUID(client["id"]))
    before = dump(cases)
    answer = await cases.http.delete(f"/clients/{client['id']}/personal-data",
                                     headers=bearer(tokens.data_protection_officer))
    assert answer.status_code == 200, answer.text
    return {"client": client, "case": case, "key": bytes(key["key"]), "dump_before": before,
            "answer": answer.json(), "read_before": read_before.json()}


def dump(cases: CasesSystem, database_url: str | None = None) -> bytes:
    """`pg_dump` of the cases database (or another), as a backup would hold it."""
    postgres = cases.infrastructure.postgres
    url = database_url or cases.database_url
    name = urlsplit(url).path.lstrip("/")
    if postgres is not None:
        return postgres.pg_dump(name).encode()
    return subprocess.run([str(_binaries() / "pg_dump"), url],
                          capture_output=True, check=True).stdout


async def every_message(system: System, expected: int) -> bytes:
    """Key, headers and value of every message on every topic."""
    topics = system.cases.topics
    seen = b""
    for topic in topics.all():
        records = await read_topic(system.cases.infrastructure.bootstrap_servers, topic,
                                   expected=expected if topic == topics.cases else 0,
                                   within=30)
        for record in records:
            seen += (record.key or b"") + (record.value or b"") + b"".join(
                name.encode() + value for name, value in record.headers)
    return seen


def found(haystack: bytes) -> set[bytes]:
    return {form for form in every_form_of_the_personal_data() if form in haystack}


def test_the_check_finds_a_text_however_a_dump_holds_it() -> None:
    text = TEXTS["note"]

    assert found(text.encode()) != set()
    assert found(json.dumps(text).encode()) != set()  # "R\u00fcckfall"
    assert found(json.dumps(text, ensure_ascii=False).encode().hex().encode()) != set()


async def test_the_erasure_is_recorded_and_the_data_reads_as_gone(
        system: System, erased: dict[str, Any], tokens: Tokens) -> None:
    client_id = erased["client"]["id"]  # its case is with asd-sued since the hand-over

    read = await system.cases.get(f"/clients/{client_id}", tokens.other_caseworker)
    audited = await system.cases.get(f"/clients/{client_id}", tokens.auditor)
    again = await system.cases.http.delete(f"/clients/{client_id}/personal-data",
                                           headers=bearer(tokens.data_protection_officer))
    new_case = await system.cases.post("/cases", tokens.other_caseworker, {
        "client_id": client_id, "field_of_action": "gesundheit", "district": "Nordstadt",
        "legal_basis": "SGB V §20"})

    assert erased["answer"]["personal_data_erased"] is True
    assert read.status_code == 410
    assert read.headers["content-type"] == "application/problem+json"
    assert (read.json()["title"], read.json()["rule"]) == ("Personal data erased",
                                                           "personal_data_erased")
    assert (audited.status_code, audited.json()["personal_data_erased"]) == (200, True)
    assert (again.status_code, again.json()["rule"]) == (409, "personal_data_already_erased")
    assert (new_case.status_code, new_case.json()["rule"]) == (409, "personal_data_erased")


async def test_no_backup_of_any_database_holds_the_persons_data_or_its_key(
        system: System, erased: dict[str, Any]) -> None:
    after = dump(system.cases)
    metrics = dump(system.cases, system.metrics_database_url)

    assert erased["key"].hex().encode() in erased["dump_before"]  # the check can see a key
    assert erased["key"].hex().encode() not in after
    assert found(after) == set()
    assert found(metrics) == set()
    assert erased["client"]["pseudonym"].encode() in after  # the history stays


async def test_before_the_erasure_the_new_team_read_every_text_as_written(
        erased: dict[str, Any]) -> None:
    read = json.dumps(erased["read_before"], ensure_ascii=False)

    assert TEXTS["summary"] in read
    assert TEXTS["note"] in read
    assert all(words in read for words in LEVELS.values())


async def test_after_the_erasure_the_history_shows_each_event_with_the_marker(
        system: System, erased: dict[str, Any], tokens: Tokens) -> None:
    case_id = erased["case"]["id"]

    history = await system.cases.get(f"/cases/{case_id}/history", tokens.other_caseworker)
    read = await system.cases.get(f"/cases/{case_id}", tokens.other_caseworker)

    assert history.status_code == 200, history.text
    assert [entry["type"] for entry in history.json()] == [
        "Case.Opened", "Case.Assessed", "Case.GoalSet", "Case.GoalSet", "Case.GoalReviewed",
        "Case.GoalWithdrawn", "Case.ServiceAssigned", "Case.DeliveryRecorded",
        "Case.DeliveryReversed", "Case.ServiceEnded", "Case.Closed", "Case.Reopened",
        "Case.HandedOver"]
    shown = json.dumps(history.json(), ensure_ascii=False) + json.dumps(read.json(),
                                                                        ensure_ascii=False)
    assert found(shown.encode()) == set()
    assert read.json()["assessment_summary"] == ERASED_TEXT
    assert {goal["title"] for goal in read.json()["goals"]} == {ERASED_TEXT}
    assert read.json()["gas_t_score"] == erased["read_before"]["gas_t_score"]


async def test_the_audit_chain_still_verifies_after_the_erasure(
        system: System, erased: dict[str, Any], tmp_path: Path) -> None:
    async def signed() -> bool:
        [row] = await system.cases.fetch(
            "SELECT (SELECT max(position) FROM audit_checkpoints) AS signed, "
            "(SELECT max(notification_id) FROM cases_events) AS stored")
        return row["signed"] is not None and row["signed"] >= row["stored"]

    await eventually(signed, within=30)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))},
        "WIRKUNG_CASES_DATABASE_URL": system.cases.database_url,
        "WIRKUNG_CASES_AUDIT_PUBLIC_KEY": public_key_text(private_key(AUDIT_KEY)),
        "KAFKA_BOOTSTRAP_SERVERS": system.cases.infrastructure.bootstrap_servers,
        "WIRKUNG_TOPIC_PREFIX": system.cases.topics.prefix,
    }

    verified = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "wirkung", "audit", "verify", "--service",
                         "cases", "--home", str(tmp_path)], capture_output=True, text=True,
        env=environment, cwd=ROOT, timeout=120, check=False)

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert ": intact" in verified.stdout


async def test_no_topic_holds_the_persons_data(system: System,
                                                    erased: dict[str, Any]) -> None:
    async def erasure_published() -> bytes | None:
        seen = await every_message(system, expected=15)
        return seen if b"ClientPersonalDataErased" in seen else None

    seen = await eventually(erasure_published, within=45)

    assert erased["client"]["pseudonym"].encode() in seen
    assert found(seen) == set()


async def test_the_erased_clients_case_still_counts_in_the_indicators(
        system: System, erased: dict[str, Any], tokens: Tokens) -> None:
    async def gesundheit() -> dict[str, Any] | None:
        response = await system.metrics.get("/indicators/active_cases?by=field_of_action",
                                            headers=bearer(tokens.auditor))
        cells = {cell["field_of_action"]: cell for cell in response.json()["cells"]}
        return cells.get("gesundheit")

    cell = await eventually(gesundheit, within=45)

    assert (cell["value"], cell["persons"]) == (1.0, 1)
