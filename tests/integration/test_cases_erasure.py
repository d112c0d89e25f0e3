"""Erasing a client: the key is destroyed, no copy of the person's data is left in the cases
database or on either topic, and the client's cases still count in the indicators."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared.embedded.postgres import _binaries
from tests.cases.system import A_GOAL, CasesSystem, cases_system
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


def every_form_of_the_personal_data() -> set[bytes]:
    """The name, birth date and address as text, dates, JSON escapes and hex (bytea)."""
    texts = {NAME, FIRST_NAME, LAST_NAME, ADDRESS, "Zwiebelgasse", BIRTH_DATE,
             "23.11.1987", "23.11.87", "19871123", "1987/11/23", "11/23/1987"}
    texts |= {json.dumps(text)[1:-1] for text in set(texts)}  # "J\u00fcrgen"
    texts |= {text.lower() for text in set(texts)} | {text.upper() for text in set(texts)}
    forms = {text.encode() for text in texts} | {text.encode("latin-1", "ignore")
                                                 for text in texts}
    return forms | {form.hex().encode() for form in forms}


@dataclass
class System:
    cases: CasesSystem
    metrics: httpx.AsyncClient


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[System]:
    topics = await new_topics(infrastructure)
    metrics_settings = settings_for(
        MetricsSettings, database_url=await new_database(infrastructure),
        infrastructure=infrastructure, topic_prefix=topics.prefix, secret=secret,
        consumer_group=f"metrics-{uuid.uuid4().hex[:8]}", disclosure_threshold=1)
    async with AsyncExitStack() as stack:
        cases = await stack.enter_async_context(cases_system(infrastructure, secret,
                                                             topics=topics))
        metrics = await stack.enter_async_context(serving(metrics_app(metrics_settings)))
        yield System(cases=cases, metrics=metrics)


@pytest.fixture(scope="module")
async def erased(system: System, tokens: Tokens) -> dict[str, Any]:
    """An erased client whose case was worked on before the erasure."""
    cases = system.cases
    client = await cases.new_client(tokens.caseworker, name=NAME, birth_date=BIRTH_DATE,
                                    address=ADDRESS, gender_category="male")
    case = await cases.new_case(tokens.caseworker, client["id"], field_of_action="gesundheit")
    await cases.post(f"/cases/{case['id']}/assessment", tokens.caseworker,
                     {"summary": "Suchtproblematik"})
    await cases.post(f"/cases/{case['id']}/goals", tokens.caseworker, A_GOAL)
    [key] = await cases.fetch("SELECT key FROM client_keys WHERE client_id = $1",
                              uuid.UUID(client["id"]))
    before = dump(cases)
    answer = await cases.http.delete(f"/clients/{client['id']}/personal-data",
                                     headers=bearer(tokens.data_protection_officer))
    assert answer.status_code == 200, answer.text
    return {"client": client, "case": case, "key": bytes(key["key"]), "dump_before": before,
            "answer": answer.json()}


def dump(cases: CasesSystem) -> bytes:
    """`pg_dump` of the cases database, as a backup would hold it."""
    postgres = cases.infrastructure.postgres
    name = urlsplit(cases.database_url).path.lstrip("/")
    if postgres is not None:
        return postgres.pg_dump(name).encode()
    return subprocess.run([str(_binaries() / "pg_dump"), cases.database_url],
                          capture_output=True, check=True).stdout


async def every_message(system: System, expected: int) -> bytes:
    """Key, headers and value of every message on both topics."""
    topics = system.cases.topics
    seen = b""
    for topic in (topics.agreements, topics.cases):
        records = await read_topic(system.cases.infrastructure.bootstrap_servers, topic,
                                   expected=expected if topic == topics.cases else 0,
                                   within=30)
        for record in records:
            seen += (record.key or b"") + (record.value or b"") + b"".join(
                name.encode() + value for name, value in record.headers)
    return seen


def found(haystack: bytes) -> set[bytes]:
    return {form for form in every_form_of_the_personal_data() if form in haystack}


async def test_the_erasure_is_recorded_and_the_data_reads_as_gone(
        system: System, erased: dict[str, Any], tokens: Tokens) -> None:
    client_id = erased["client"]["id"]

    read = await system.cases.get(f"/clients/{client_id}", tokens.caseworker)
    audited = await system.cases.get(f"/clients/{client_id}", tokens.auditor)
    again = await system.cases.http.delete(f"/clients/{client_id}/personal-data",
                                           headers=bearer(tokens.data_protection_officer))
    new_case = await system.cases.post("/cases", tokens.caseworker, {
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


async def test_no_backup_of_the_cases_database_holds_the_persons_data_or_its_key(
        system: System, erased: dict[str, Any]) -> None:
    after = dump(system.cases)

    assert erased["key"].hex().encode() in erased["dump_before"]  # the check can see a key
    assert erased["key"].hex().encode() not in after
    assert found(after) == set()
    assert erased["client"]["pseudonym"].encode() in after  # the history stays


async def test_neither_topic_holds_the_persons_data(system: System,
                                                    erased: dict[str, Any]) -> None:
    async def erasure_published() -> bytes | None:
        seen = await every_message(system, expected=5)
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
