"""Every lifecycle rule of providers and agreements, through the HTTP API on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest

from services.agreements.application import PURPOSE
from services.agreements.application.dtos import AgreementDetails
from shared.errors import ServiceError
from shared.principals import Caller, Principal, Role
from shared.problems import status_of
from tests.agreements.api_support import (
    GOAL,
    IN_THE_TERM,
    Service,
    rule_of,
    running_service,
)
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def service(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Service]:
    async for running in running_service(infrastructure, tokens, secret, clock=IN_THE_TERM):
        yield running


async def test_an_agreement_runs_its_whole_lifecycle(service: Service) -> None:
    agreement = await service.signed()
    agreement_id = agreement["id"]
    assert agreement["status"] == "active"

    amended = await service.step(agreement_id, "amendments", {
        "effective_date": "2026-07-01", "reason": "Mehr Bedarf", "capacity": 20})
    suspended = await service.step(agreement_id, "suspension", {"reason": "Prüfung"})
    resumed = await service.step(agreement_id, "resumption")
    terminated = await service.step(agreement_id, "termination", {
        "termination_date": "2026-12-01", "reason": "Angebot endet"})

    assert amended.json()["terms"]["capacity"] == 20
    assert suspended.json()["status"] == "suspended"
    assert resumed.json()["status"] == "active"
    assert terminated.json()["status"] == "active"  # terminated from 1 December on
    assert terminated.json()["runs_until"] == "2026-11-30"
    history = (await service.client.get(f"/agreements/{agreement_id}/history",
                                        headers=service.manager)).json()
    assert [entry["type"] for entry in history] == [
        "ServiceAgreement.Drafted", "ServiceAgreement.Signed", "ServiceAgreement.Amended",
        "ServiceAgreement.Suspended", "ServiceAgreement.Resumed",
        "ServiceAgreement.Terminated"]
    assert history[2]["data"]["changes"] == {"capacity": 20}
    assert history[2]["data"]["reason"] == "Mehr Bedarf"
    assert {entry["actor"] for entry in history} == {"cm-1"}


async def test_a_draft_can_be_edited_but_a_signed_agreement_cannot(service: Service) -> None:
    provider = await service.provider()
    draft = await service.draft(provider["id"])
    from tests.agreements.api_support import TERMS

    edited = await service.client.put(f"/agreements/{draft['id']}/terms",
                                      json={**TERMS, "capacity": 15}, headers=service.manager)
    assert edited.status_code == 200
    assert edited.json()["terms"]["capacity"] == 15
    await service.step(draft["id"], "signature")
    refused = await service.client.put(f"/agreements/{draft['id']}/terms",
                                       json={**TERMS, "capacity": 16}, headers=service.manager)
    assert refused.status_code == 409
    assert rule_of(refused) == "edit_requires_draft"


@pytest.mark.parametrize(("step", "body", "rule"), [
    ("amendments", {"effective_date": "2026-07-01", "reason": "x", "capacity": 3},
     "amend_requires_signed_agreement"),
    ("suspension", {"reason": "x"}, "suspend_requires_active_agreement"),
    ("resumption", None, "resume_requires_suspended_agreement"),
    ("termination", {"termination_date": "2026-06-30", "reason": "x"},
     "terminate_requires_signed_agreement"),
])
async def test_a_draft_cannot_be_amended_suspended_resumed_or_terminated(
        service: Service, step: str, body: dict[str, Any] | None, rule: str) -> None:
    draft = await service.draft((await service.provider())["id"])

    response = await service.step(draft["id"], step, body)

    assert response.status_code == 409
    assert rule_of(response) == rule


@pytest.mark.parametrize(("step", "body", "rule"), [
    ("signature", None, "sign_requires_draft"),
    ("amendments", {"effective_date": "2027-02-01", "reason": "x", "capacity": 3},
     "effective_date_inside_term"),
    ("amendments", {"effective_date": "2026-07-01", "reason": "  ", "capacity": 3},
     "reason_required"),
    ("amendments", {"effective_date": "2026-07-01", "reason": "x"}, "change_must_not_be_empty"),
    ("amendments", {"effective_date": "2026-07-01", "reason": "x", "term_end": "2026-06-01"},
     "term_end_not_before_effective_date"),
    ("amendments", {"effective_date": "2026-07-01", "reason": "x", "impact_goals": []},
     "impact_goal_required"),
    ("resumption", None, "resume_requires_suspended_agreement"),
    ("termination", {"termination_date": "2027-03-01", "reason": "x"},
     "termination_date_inside_term"),
])
async def test_forbidden_steps_on_a_signed_agreement_answer_409_with_the_rule(
        service: Service, step: str, body: dict[str, Any] | None, rule: str) -> None:
    agreement = await service.signed()

    response = await service.step(agreement["id"], step, body)

    assert response.status_code == 409, response.text
    assert rule_of(response) == rule


async def test_a_terminated_agreement_is_final(service: Service) -> None:
    agreement = await service.signed()
    await service.step(agreement["id"], "termination",
                       {"termination_date": "2026-02-01", "reason": "Ende"})

    again = await service.step(agreement["id"], "termination",
                               {"termination_date": "2026-03-01", "reason": "Ende"})
    amend = await service.step(agreement["id"], "amendments",
                               {"effective_date": "2026-07-01", "reason": "x", "capacity": 1})

    assert rule_of(again) == rule_of(amend) == "terminated_agreement_is_final"


async def test_an_expired_agreement_cannot_be_amended(service: Service) -> None:
    agreement = await service.signed(term_start="2024-01-01", term_end="2024-12-31")

    response = await service.step(agreement["id"], "amendments", {
        "effective_date": "2024-07-01", "reason": "zu spät", "capacity": 2})

    assert response.status_code == 409
    assert rule_of(response) == "amend_requires_unexpired_agreement"


async def test_signing_needs_an_impact_goal(service: Service) -> None:
    draft = await service.draft((await service.provider())["id"], impact_goals=[])

    response = await service.step(draft["id"], "signature")

    assert rule_of(response) == "impact_goal_required"


async def test_invalid_terms_answer_422_with_the_rule(service: Service) -> None:
    provider = await service.provider()
    from tests.agreements.api_support import TERMS

    backwards = await service.client.post("/agreements", headers=service.manager, json={
        "provider_id": provider["id"], **TERMS, "term_start": "2026-12-31",
        "term_end": "2026-01-01"})
    twice = await service.client.post("/agreements", headers=service.manager, json={
        "provider_id": provider["id"], **TERMS, "impact_goals": [GOAL, GOAL]})

    assert backwards.status_code == twice.status_code == 422
    assert rule_of(backwards) == "term_must_end_after_start"
    assert rule_of(twice) == "impact_goal_indicators_must_be_distinct"


@pytest.mark.parametrize("body", [
    {"annual_budget_cents": 2400.5}, {"annual_budget_cents": "2400"},
    {"unit_price_cents": -1}, {"capacity": -2}, {"colour": "blue"},
    {"impact_goals": [{**GOAL, "indicator_id": "happiness"}]},
])
async def test_malformed_agreements_are_rejected_before_anything_is_recorded(
        service: Service, body: dict[str, Any]) -> None:
    provider = await service.provider()
    from tests.agreements.api_support import TERMS

    response = await service.client.post("/agreements", headers=service.manager,
                                         json={"provider_id": provider["id"], **TERMS, **body})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_deactivated_provider_gets_no_new_agreement(service: Service) -> None:
    provider = await service.provider()
    deactivated = await service.client.post(f"/providers/{provider['id']}/deactivation",
                                            headers=service.manager)
    again = await service.client.post(f"/providers/{provider['id']}/deactivation",
                                      headers=service.manager)
    update = await service.client.patch(f"/providers/{provider['id']}", json={"name": "Neu"},
                                        headers=service.manager)
    from tests.agreements.api_support import TERMS

    draft = await service.client.post("/agreements", headers=service.manager,
                                      json={"provider_id": provider["id"], **TERMS})

    assert deactivated.json()["active"] is False
    assert rule_of(again) == "deactivate_requires_active_provider"
    assert rule_of(update) == "update_requires_active_provider"
    assert draft.status_code == 409
    assert rule_of(draft) == "new_agreement_requires_active_provider"


async def test_a_provider_update_changes_only_what_is_given(service: Service) -> None:
    provider = await service.provider(contact="alt@example.org")

    updated = await service.client.patch(f"/providers/{provider['id']}",
                                         json={"contact": "neu@example.org"},
                                         headers={**service.manager, "If-Match": '"1"'})
    nothing = await service.client.patch(f"/providers/{provider['id']}",
                                         json={"contact": "neu@example.org"},
                                         headers=service.manager)

    assert updated.json()["contact"] == "neu@example.org"
    assert updated.json()["name"] == provider["name"]
    assert updated.headers["etag"] == '"2"'
    assert rule_of(nothing) == "change_must_not_be_empty"


async def test_a_stale_if_match_answers_409_and_changes_nothing(service: Service) -> None:
    agreement = await service.signed()

    stale = await service.step(agreement["id"], "suspension", {"reason": "x"},
                               headers={**service.manager, "If-Match": '"1"'})
    fresh = await service.step(agreement["id"], "suspension", {"reason": "x"},
                               headers={**service.manager, "If-Match": '"2"'})
    garbage = await service.step(agreement["id"], "resumption",
                                 headers={**service.manager, "If-Match": "yesterday"})

    assert stale.status_code == 409
    assert rule_of(stale) == "expected_version"
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"3"'
    assert garbage.status_code == 400


async def test_two_concurrent_amendments_one_succeeds_one_gets_409(service: Service) -> None:
    agreement = await service.signed()
    headers = {**service.manager, "If-Match": f'"{agreement["version"]}"'}

    answers = await asyncio.gather(*(
        service.step(agreement["id"], "amendments",
                     {"effective_date": "2026-07-01", "reason": "x", "capacity": capacity},
                     headers=headers) for capacity in (30, 40)))

    assert sorted(answer.status_code for answer in answers) == [200, 409]


def test_two_writers_saving_at_once_on_the_database_one_gets_409(service: Service) -> None:
    # Both load the same version before either saves: PostgreSQL's uniqueness decides.
    app = service.app.state.application
    manager = Caller(Principal(subject="cm-1", role=Role.CONTRACT_MANAGER), PURPOSE)
    provider = app.register_provider(name="T", legal_form="e.V.", fields_of_action=["jugend"],
                                     contact="", caller=manager, occurred_on=date(2025, 1, 1))
    from services.agreements.api.agreements import terms
    from services.agreements.api.models import AgreementTermsIn
    from tests.agreements.api_support import TERMS

    draft = app.draft_agreement(provider_id=provider.id,
                                terms=terms(AgreementTermsIn(**TERMS)), caller=manager,
                                occurred_on=date(2025, 11, 1))
    both_loaded = threading.Barrier(2)
    real_save = type(app).save
    outcomes: list[str] = []

    def save_after_both_loaded(self: Any, *objs: Any, **kwargs: Any) -> Any:
        both_loaded.wait(timeout=10)
        return real_save(self, *objs, **kwargs)

    def amend(capacity: int) -> None:
        try:
            app.amend_agreement(draft.id, effective_date=date(2026, 7, 1), reason="x",
                                annual_budget_cents=None, unit_price_cents=None,
                                capacity=capacity, impact_goals=None, term_end=None,
                                caller=manager, occurred_on=date(2025, 12, 1),
                                expected_version=None)
            outcomes.append("saved")
        except ServiceError as problem:
            outcomes.append(f"{status_of(problem)} {problem.rule}")

    app.sign_agreement(draft.id, caller=manager, occurred_on=date(2025, 11, 2),
                       expected_version=None)
    app.save = save_after_both_loaded.__get__(app)
    try:
        threads = [threading.Thread(target=amend, args=(c,)) for c in (30, 40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
    finally:
        del app.save

    assert sorted(outcomes) == ["409 expected_version", "saved"]


async def test_the_state_as_of_every_event_equals_a_replay_up_to_it(service: Service) -> None:
    agreement = await service.signed()
    agreement_id = agreement["id"]
    for number, capacity in enumerate((13, 14, 15, 16, 17)):
        await service.step(agreement_id, "amendments", {
            "effective_date": f"2026-0{number + 2}-01", "reason": f"Schritt {number}",
            "capacity": capacity, "annual_budget_cents": 24000000 + number})
    await service.step(agreement_id, "suspension", {"reason": "Pause"})
    await service.step(agreement_id, "resumption")
    app = service.app.state.application
    events = list(app.repository.event_store.get(UUID(agreement_id)))
    assert len(events) == 9

    for position, event in enumerate(events):
        replayed: Any = None
        for earlier in events[:position + 1]:
            replayed = earlier.mutate(replayed)
        moment = event.timestamp.isoformat()
        as_of = await service.client.get(f"/agreements/{agreement_id}",
                                         params={"as_of": moment}, headers=service.manager)
        expected = AgreementDetails.of(replayed, IN_THE_TERM.today())
        assert as_of.status_code == 200
        assert as_of.json()["version"] == event.originator_version
        assert as_of.json()["terms"]["capacity"] == expected.terms["capacity"]
        assert as_of.json()["status"] == expected.status
        assert as_of.json()["terms"]["annual_budget_cents"] == expected.terms[
            "annual_budget_cents"]
    before = await service.client.get(
        f"/agreements/{agreement_id}", headers=service.manager,
        params={"as_of": datetime(2000, 1, 1).isoformat() + "+00:00"})
    assert before.status_code == 404
    by_version = await service.client.get(f"/agreements/{agreement_id}?version=3",
                                          headers=service.manager)
    assert by_version.json()["terms"]["capacity"] == 13


async def test_a_provider_has_history_and_time_travel_too(service: Service) -> None:
    provider = await service.provider(name="Erst")
    await service.client.patch(f"/providers/{provider['id']}", json={"name": "Dann"},
                               headers=service.manager)

    history = (await service.client.get(f"/providers/{provider['id']}/history",
                                        headers=service.manager)).json()
    first = await service.client.get(f"/providers/{provider['id']}",
                                     params={"as_of": history[0]["recorded_at"]},
                                     headers=service.manager)

    assert [entry["type"] for entry in history] == ["Provider.Registered", "Provider.Updated"]
    assert first.json()["name"] == "Erst"


async def test_a_retried_signature_gets_the_first_answer_and_records_nothing(
        service: Service) -> None:
    draft = await service.draft((await service.provider())["id"])
    headers = {**service.manager, "Idempotency-Key": f"sign-{draft['id']}"}

    first = await service.step(draft["id"], "signature", headers=headers)
    retry = await service.step(draft["id"], "signature", headers=headers)
    history = await service.client.get(f"/agreements/{draft['id']}/history",
                                       headers=service.manager)

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert len(history.json()) == 2
