"""Which agreements a case's service can be assigned under today: the domain's own rule of an
active agreement, with a free place, most places left first (application, in memory)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from services.cases.application import AgreementOffer, Caller, PseudonymousClient
from services.cases.domain import AgreementOnRecord
from shared.auth import Principal, Role
from shared.clock import FixedClock
from shared.problems import Forbidden, NotFound
from tests.cases.fakes import InMemory, in_memory_cases

NORD = Caller.of(Principal("cw-1", Role.CASEWORKER, team="asd-nord"))
SUED = Caller.of(Principal("cw-2", Role.CASEWORKER, team="asd-sued"))
TODAY = date(2026, 9, 30)
ACTIVE = AgreementOnRecord(agreement_id=uuid4(), field_of_action="jugend", pricing_unit="hour",
                           capacity=3, term_start=date(2026, 1, 1), term_end=date(2026, 12, 31),
                           signed_on=date(2025, 12, 15))


def offer(title: str, **changes: object) -> AgreementOffer:
    record = replace(ACTIVE, agreement_id=uuid4(), **changes)  # type: ignore[arg-type]
    return AgreementOffer(record=record, title=title, provider_id=uuid4(),
                          provider_name="Träger e.V.", districts=["Nordstadt", "Hafen"],
                          unit_price_cents=6500)


@pytest.fixture
def app() -> InMemory:
    app = in_memory_cases()
    app.cases.parts.clock = FixedClock(TODAY)
    return app


def a_case(app: InMemory) -> UUID:
    return app.cases.open_case(client=PseudonymousClient("p-1", "14-17"),
                               field_of_action="jugend", target_groups=[], district="Hafen",
                               legal_basis="SGB VIII §27", caller=NORD,
                               occurred_on=date(2026, 2, 2)).id


def test_active_agreements_with_free_places_are_offered_most_places_left_first(
        app: InMemory) -> None:
    one_left, three_left, full = offer("eins"), offer("drei"), offer("voll", capacity=2)
    inactive = [offer("ausgesetzt", suspensions=((TODAY - timedelta(days=1), None),)),
                offer("gekündigt", termination_date=TODAY),
                offer("ausgelaufen", term_end=TODAY - timedelta(days=1)),
                offer("noch nicht", term_start=TODAY + timedelta(days=1))]
    app.agreements.offered = [one_left, full, three_left, *inactive]
    app.index.running = {one_left.record.agreement_id: 2, full.record.agreement_id: 2}

    offered = app.cases.assignable_agreements(a_case(app), caller=NORD)

    assert [(agreement.title, agreement.places_left) for agreement in offered] == [
        ("drei", 3), ("eins", 1)]
    assert (offered[0].provider_name, offered[0].unit_price_cents, offered[0].term_end) == (
        "Träger e.V.", 6500, date(2026, 12, 31))


def test_an_agreement_resumed_today_is_offered_again(app: InMemory) -> None:
    app.agreements.offered = [offer("wieder", suspensions=((date(2026, 9, 1), TODAY),))]

    assert [a.title for a in app.cases.assignable_agreements(a_case(app), caller=NORD)] == [
        "wieder"]


def test_another_teams_case_is_not_found_and_the_refusal_is_logged(app: InMemory) -> None:
    case_id = a_case(app)

    with pytest.raises(NotFound):
        app.cases.assignable_agreements(case_id, caller=SUED)

    [refusal] = [entry for entry in app.log.entries() if entry.subject == "cw-2"]
    assert (refusal.object_ref, refusal.granted) == (str(case_id), False)
    app.cases.assignable_agreements(case_id, caller=NORD)
    assert (app.log.entries()[0].object_type, app.log.entries()[0].granted) == ("case", True)


MANAGER = Caller.of(Principal("cm-1", Role.CONTRACT_MANAGER))


def test_occupancy_counts_the_running_services_against_the_capacity(app: InMemory) -> None:
    half, overbooked = offer("halb", capacity=4), offer("überbucht", capacity=2)
    app.agreements.offered = [half, overbooked]
    app.index.running = {half.record.agreement_id: 2, overbooked.record.agreement_id: 3}
    unknown = uuid4()

    found = {o.agreement_id: o for o in app.cases.occupancy(
        [half.record.agreement_id, overbooked.record.agreement_id, unknown], caller=MANAGER)}

    assert set(found) == {half.record.agreement_id, overbooked.record.agreement_id}
    assert (found[half.record.agreement_id].places_taken,
            found[half.record.agreement_id].places_free) == (2, 2)
    assert (found[overbooked.record.agreement_id].places_taken,
            found[overbooked.record.agreement_id].places_free) == (3, 0)


def test_a_provider_learns_the_occupancy_of_its_own_agreements_only(app: InMemory) -> None:
    own, other = offer("eigene"), offer("fremde")
    app.agreements.offered = [own, other]
    provider = Caller.of(Principal("tr-1", Role.PROVIDER, provider_id=str(own.provider_id)))

    found = app.cases.occupancy([own.record.agreement_id, other.record.agreement_id],
                                caller=provider)

    assert [o.agreement_id for o in found] == [own.record.agreement_id]


def test_the_data_protection_officer_may_not_ask_for_occupancy(app: InMemory) -> None:
    officer = Caller.of(Principal("dpo-1", Role.DATA_PROTECTION_OFFICER))

    with pytest.raises(Forbidden):
        app.cases.occupancy([uuid4()], caller=officer)
