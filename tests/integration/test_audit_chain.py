"""Tamper evidence on the real PostgreSQL: every kind of tampering is found and named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.agreements.application import PURPOSE, Agreements
from shared.audit.chainer import AuditChainer
from shared.audit.checkpoint import Checkpoint
from shared.audit.store import AuditStore
from shared.audit.verify import Verification, stored_events, verify_chain
from shared.eventstore import event_store_environment
from shared.principals import Caller, Principal, Role
from shared.store_migrations import prepare_stores

pytestmark = pytest.mark.integration

MANAGER = Caller(Principal(subject="cm-1", role=Role.CONTRACT_MANAGER), PURPOSE)
KEY = Ed25519PrivateKey.generate()


@dataclass
class Chained:
    url: str
    store: Agreements
    audit: AuditStore
    providers: list[str]

    def verify(self, extra: list[Checkpoint] | None = None) -> Verification:
        return verify_chain("agreements", stored_events(self.store.recorder),
                            self.audit.links(), [*self.audit.checkpoints(), *(extra or [])],
                            KEY.public_key())

    def sql(self, statement: str, *params: object) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(statement, params)


@pytest.fixture
def chained(database_url: str) -> Iterator[Chained]:
    store = Agreements(env=event_store_environment(database_url))
    providers = []
    for number in range(6):
        view = store.register_provider(name=f"Träger {number}", legal_form="e.V.",
                                       fields_of_action=["jugend"], contact="", caller=MANAGER,
                                       occurred_on=date(2026, 1, 1))
        store.update_provider(view.id, name=f"Träger {number} neu", legal_form=None,
                              fields_of_action=None, contact=None, caller=MANAGER,
                              occurred_on=date(2026, 2, 1), expected_version=None)
        providers.append(str(view.id))
    prepare_stores(database_url)
    audit = AuditStore(database_url)
    chainer = AuditChainer(service="agreements", recorder=store.recorder, store=audit,
                           key=KEY, checkpoint_every=4)
    assert chainer.chain_batch() == 12
    assert chainer.checkpoint() is not None
    yield Chained(database_url, store, audit, providers)
    audit.close()
    store.close()


def test_an_untouched_store_verifies(chained: Chained) -> None:
    verification = chained.verify()

    assert verification.intact, verification.findings
    assert (verification.events, verification.chained, verification.checkpoints) == (12, 12, 1)


def test_an_edited_event_payload_is_found_and_named(chained: Chained) -> None:
    chained.sql("""UPDATE agreements_events
                   SET state = convert_to(replace(convert_from(state, 'UTF8'),
                                                  'Träger 2 neu', 'Träger 2 gefälscht'), 'UTF8')
                   WHERE notification_id = 6""")

    first = chained.verify().findings[0]

    assert (first.position, first.problem) == (6, "event edited")
    assert first.aggregate_id == chained.providers[2]


def test_a_deleted_event_row_is_found_and_named(chained: Chained) -> None:
    chained.sql("DELETE FROM agreements_events WHERE notification_id = 5")

    first = chained.verify().findings[0]

    assert (first.position, first.problem) == (5, "event deleted")
    assert first.aggregate_id == chained.providers[2]


def test_two_swapped_rows_are_found_and_named(chained: Chained) -> None:
    chained.sql("""UPDATE agreements_events SET notification_id = -3 WHERE notification_id = 3;
                   UPDATE agreements_events SET notification_id = 3 WHERE notification_id = 8;
                   UPDATE agreements_events SET notification_id = 8 WHERE notification_id = -3""")

    findings = chained.verify().findings

    assert [f.position for f in findings][:2] == [3, 8]
    assert findings[0].problem.startswith("event moved")
    assert findings[0].aggregate_id == chained.providers[3]


def test_a_forged_checkpoint_is_found_and_named(chained: Chained) -> None:
    impostor = Ed25519PrivateKey.generate()
    forged = Checkpoint("agreements", 12, b"\0" * 32, datetime.now(UTC)).signed(impostor)
    chained.audit.record_checkpoint(Checkpoint("agreements", 13, b"\1" * 32,
                                               datetime.now(UTC), b"\2" * 64))

    findings = chained.verify(extra=[forged]).findings

    assert [(f.position, f.problem) for f in findings] == [
        (12, "checkpoint forged: its signature is not the service's"),
        (13, "checkpoint forged: its signature is not the service's"),
    ]


def test_rewriting_the_chain_to_match_is_caught_by_the_signed_checkpoint(
        chained: Chained) -> None:
    chained.sql("""UPDATE agreements_events
                   SET state = convert_to(replace(convert_from(state, 'UTF8'),
                                                  'Träger 0 neu', 'Träger 0 umgeschrieben'),
                                          'UTF8')
                   WHERE notification_id = 2""")
    chained.sql("DELETE FROM audit_chain")
    AuditChainer(service="agreements", recorder=chained.store.recorder, store=chained.audit,
                 key=Ed25519PrivateKey.generate()).chain_batch()

    findings = chained.verify().findings

    assert [(f.position, f.problem) for f in findings] == [
        (12, "the events up to here differ from the signed checkpoint")]


def test_the_chain_grows_with_the_store(chained: Chained) -> None:
    chained.store.register_provider(name="Später", legal_form="e.V.",
                                    fields_of_action=["jugend"], contact="", caller=MANAGER,
                                    occurred_on=date(2026, 3, 1))
    chainer = AuditChainer(service="agreements", recorder=chained.store.recorder,
                           store=chained.audit, key=KEY)

    assert chainer.chain_batch() == 1
    assert chained.verify().intact
    assert json.dumps([str(f) for f in chained.verify().findings]) == "[]"
