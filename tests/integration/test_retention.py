"""Retention periods: whose personal data falls due, a dry run, erasure by command and by
schedule, and none after a reopening — on the real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from services.cases.main import create_app
from services.cases.settings import CasesSettings
from shared.clock import FixedClock
from shared.topics import Topics
from tests.support import (
    TEST_KEY_ENCRYPTION_KEY,
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    serving,
    settings_for,
)
from wirkung.cli import main

pytestmark = pytest.mark.integration
ON = date(2026, 6, 1)  # the day the periods are counted to


@dataclass
class People:
    """Registered clients by what their cases make of them on `ON`."""

    ids: dict[str, str]
    pseudonyms: dict[str, str]


class CasesApi:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client, self.tokens = client, tokens

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None,
                   token: str | None = None) -> httpx.Response:
        return await self.client.request(method, path, json=body,
                                          headers=bearer(token or self.tokens.caseworker))

    async def client_with_cases(self, *cases: tuple[str, str, str | None, str | None]) -> str:
        """A registered client and its cases: (field, opened, closed, reopened) each."""
        registered = await self.call("POST", "/clients", {
            "name": f"Person {uuid.uuid4().hex[:6]}", "birth_date": "1990-01-01",
            "address": "Am Markt 1"})
        assert registered.status_code == 201, registered.text
        client_id: str = registered.json()["id"]
        for field, opened, closed, reopened in cases:
            case = await self.call("POST", "/cases", {
                "client_id": client_id, "field_of_action": field, "district": "Nordstadt",
                "legal_basis": "SGB VIII §27", "target_groups": [], "occurred_on": opened})
            assert case.status_code == 201, case.text
            case_id = case.json()["id"]
            if closed:
                done = await self.call("POST", f"/cases/{case_id}/closure",
                                       {"reason": "moved", "occurred_on": closed})
                assert done.status_code == 200, done.text
            if reopened:
                again = await self.call("POST", f"/cases/{case_id}/reopening",
                                        {"reason": "zurückgekehrt", "occurred_on": reopened})
                assert again.status_code == 200, again.text
        return client_id

    async def erased(self, client_id: str) -> bool:
        answer = await self.call("GET", f"/clients/{client_id}")
        assert answer.status_code in (200, 410), answer.text
        return answer.status_code == 410 or answer.json().get("personal_data") is None


@pytest.fixture
async def cases(infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens,
                database_url: str, monkeypatch: pytest.MonkeyPatch,
                ) -> AsyncIterator[tuple[CasesApi, People]]:
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, retention_check_seconds=0)
    monkeypatch.setenv("WIRKUNG_CASES_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRKUNG_CASES_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)
    async with serving(create_app(settings, clock=FixedClock(ON))) as client:
        api = CasesApi(client, tokens)
        ids = {
            # housing, closed 2015: five years ran in 2020
            "due": await api.client_with_cases(("wohnen", "2014-02-03", "2015-06-30", None)),
            # youth welfare closed 2020: ten years, until 2030
            "kept": await api.client_with_cases(("jugend", "2019-01-07", "2020-03-02", None)),
            # housing closed 2012 and youth welfare closed 2016-01-01: the later, 2026-01-01
            "due_by_the_last": await api.client_with_cases(
                ("wohnen", "2011-05-02", "2012-08-01", None),
                ("jugend", "2015-03-02", "2016-01-01", None)),
            # housing closed 2014 but reopened 2015: open, the clock stopped
            "reopened": await api.client_with_cases(
                ("wohnen", "2013-04-01", "2014-04-01", "2015-09-01")),
            # one case still open
            "open": await api.client_with_cases(("wohnen", "2010-04-01", None, None)),
        }
        pseudonyms = {}
        for name, client_id in ids.items():
            pseudonyms[name] = (await api.call("GET", f"/clients/{client_id}")).json()["pseudonym"]
        await api.call("GET", "/cases")  # the read model has caught up with every case
        yield api, People(ids, pseudonyms)


async def test_a_dry_run_lists_who_is_due_and_why_and_erases_nothing(
        cases: tuple[CasesApi, People], capsys: pytest.CaptureFixture[str]) -> None:
    api, people = cases

    assert main(["cases", "retention", "--dry-run", "--on", ON.isoformat()]) == 0

    said = capsys.readouterr().out
    assert "2 client(s) due for erasure on 2026-06-01 (dry run: nothing erased)" in said
    assert (f"{people.pseudonyms['due']}  every case closed; the last period (wohnen, 5 years "
            "after the closure on 2015-06-30) ran on 2020-06-30") in said
    assert (f"{people.pseudonyms['due_by_the_last']}  every case closed; the last period "
            "(jugend, 10 years after the closure on 2016-01-01) ran on 2026-01-01") in said
    for name in ("kept", "reopened", "open"):
        assert people.pseudonyms[name] not in said
    for client_id in people.ids.values():
        assert not await api.erased(client_id)


async def test_the_data_protection_officer_reads_the_dry_run_over_http(
        cases: tuple[CasesApi, People]) -> None:
    api, people = cases

    listed = await api.call("GET", f"/retention/due?on={ON.isoformat()}",
                            token=api.tokens.data_protection_officer)
    refused = await api.call("GET", "/retention/due", token=api.tokens.caseworker)

    assert listed.status_code == 200, listed.text
    assert {(item["pseudonym"], item["due_on"]) for item in listed.json()} == {
        (people.pseudonyms["due"], "2020-06-30"),
        (people.pseudonyms["due_by_the_last"], "2026-01-01")}
    assert refused.status_code == 403


async def test_the_command_erases_who_is_due_once_and_logs_each_erasure(
        cases: tuple[CasesApi, People], capsys: pytest.CaptureFixture[str]) -> None:
    api, people = cases

    assert main(["cases", "retention", "--on", ON.isoformat()]) == 0
    assert "2 client(s) erased on 2026-06-01" in capsys.readouterr().out
    assert main(["cases", "retention", "--on", ON.isoformat()]) == 0
    assert "0 client(s) erased" in capsys.readouterr().out

    erased = {name for name, client_id in people.ids.items() if await api.erased(client_id)}
    assert erased == {"due", "due_by_the_last"}
    log = (await api.call("GET", "/access-log?subject=wirkung-retention",
                          token=api.tokens.auditor)).json()
    assert {(entry["object_ref"], entry["purpose"], entry["granted"]) for entry in log} == {
        (people.pseudonyms["due"], "retention", True),
        (people.pseudonyms["due_by_the_last"], "retention", True)}


async def test_the_service_erases_on_its_schedule(
        infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens,
        cases: tuple[CasesApi, People], database_url: str) -> None:
    _, people = cases
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, retention_check_seconds=0.2,
                            replica_group=f"retention-{uuid.uuid4().hex[:6]}")
    async with serving(create_app(settings, clock=FixedClock(ON))) as client:
        scheduled = CasesApi(client, tokens)

        async def both_erased() -> bool:
            return all([await scheduled.erased(people.ids["due"]),
                        await scheduled.erased(people.ids["due_by_the_last"])])

        await eventually(both_erased, within=30)
        assert not await scheduled.erased(people.ids["kept"])
        assert not await scheduled.erased(people.ids["reopened"])
