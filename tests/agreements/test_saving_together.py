"""Commands saved together (`ServiceApplication.saving_together`), as the simulation records a
city's agreements: stored in one go when the block ends, read by each other before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from services.agreements.application import (
    PURPOSE,
    AgreementDetails,
    Agreements,
    GoalOutcome,
    ProviderDetails,
    ReportFigures,
)
from shared.eventstore import ConcurrentChange, single_writer_environment
from shared.principals import Caller, Principal, Role
from tests.agreements.builders import DRAFTED_ON, SIGNED_ON, some_terms

MANAGER = Caller(Principal("cm-1", Role.CONTRACT_MANAGER), PURPOSE)
FIGURES = ReportFigures(participants=10, units_delivered=Decimal(100),
                        expenditure_cents=900_000,
                        outcomes=(GoalOutcome("goal_attainment_rate", 5, 8),), narrative="")


@pytest.fixture
def agreements() -> Agreements:
    return Agreements(env=single_writer_environment("memory://"))


def signed(agreements: Agreements) -> tuple[ProviderDetails, AgreementDetails]:
    provider = agreements.register_provider(name="Jugendhilfe Nord e.V.", legal_form="e.V.",
                                            fields_of_action=["jugend"], contact="",
                                            caller=MANAGER, occurred_on=DRAFTED_ON)
    drafted = agreements.draft_agreement(provider_id=provider.id, terms=some_terms(),
                                         caller=MANAGER, occurred_on=DRAFTED_ON)
    return provider, agreements.sign_agreement(drafted.id, caller=MANAGER,
                                               occurred_on=SIGNED_ON,
                                               expected_version=drafted.version)


def test_the_commands_read_what_they_saved_and_it_is_stored_when_the_block_ends(
        agreements: Agreements) -> None:
    with agreements.saving_together():
        _, agreement = signed(agreements)
        assert agreements.recorder.max_notification_id() in (None, 0)

    assert agreements.recorder.max_notification_id() == 3
    assert [type(event).__qualname__ for event in agreements.events.get(agreement.id)] == [
        "ServiceAgreement.Drafted", "ServiceAgreement.Signed"]


class Interrupted(Exception):
    pass


def signed_then_interrupted(agreements: Agreements, made: list[UUID]) -> None:
    with agreements.saving_together():
        provider, agreement = signed(agreements)
        made.extend((provider.id, agreement.id))
        raise Interrupted


def test_nothing_is_stored_when_the_block_raises(agreements: Agreements) -> None:
    made: list[UUID] = []
    with pytest.raises(Interrupted):
        signed_then_interrupted(agreements, made)

    assert agreements.recorder.max_notification_id() in (None, 0)
    assert [aggregate_id in agreements.repository for aggregate_id in made] == [False, False]


def test_an_object_made_twice_in_one_block_is_refused(agreements: Agreements) -> None:
    _, agreement = signed(agreements)
    provider = Caller(Principal("p-1", Role.PROVIDER, provider_id=str(agreement.provider_id)),
                      PURPOSE)

    def submitted_twice() -> None:
        with agreements.saving_together():
            for _ in range(2):
                agreements.submit_report(agreement.id, period="2026-Q1", figures=FIGURES,
                                         caller=provider, occurred_on=date(2026, 4, 10))

    with pytest.raises(ConcurrentChange):
        submitted_twice()

    assert agreements.recorder.max_notification_id() == 3


def test_saving_together_needs_the_single_writer_settings() -> None:
    agreements = Agreements(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

    with pytest.raises(RuntimeError, match="single_writer_environment"), \
            agreements.saving_together():
        agreements.register_provider(name=str(uuid4()), legal_form="e.V.",
                                     fields_of_action=["jugend"], contact="", caller=MANAGER,
                                     occurred_on=DRAFTED_ON)
