"""Where client keys and the nonces of sealed texts come from: the operating system's
generator, fresh each time, unless the simulation passes a source drawn from its seed."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

from services.cases.application import Caller, Randomness
from services.cases.domain import Client
from services.cases.personal_data import SECURE
from services.cases.sealed_text import is_sealed
from shared.principals import Principal, Role
from tests.cases.fakes import InMemory, in_memory_cases
from wirkung.simulate import SeededRandomness

NORD = Caller.of(Principal("cw-1", Role.CASEWORKER, team="asd-nord"))
DAY = date(2026, 3, 2)
LEVELS = {"-2": "viel weniger", "-1": "weniger", "0": "erwartet", "1": "mehr",
          "2": "viel mehr"}


def imported(randomness: Randomness = SECURE) -> InMemory:
    """Two clients (by pseudonym), each with a case whose goal has the same texts."""
    app = in_memory_cases(randomness)
    history = app.cases.import_history()
    for number in (1, 2):
        client_id = history.register_client(pseudonym=f"p-{number}", personal_data=None,
                                             gender_category=None, caller=NORD,
                                             occurred_on=DAY)
        case_id = history.open_case(client_id=client_id, field_of_action="jugend",
                                    target_groups=[], district="Nordstadt",
                                    legal_basis="SGB VIII §27", caller=NORD, occurred_on=DAY,
                                    age_band="14-17", case_id=UUID(int=number, version=4))
        history.set_goal(case_id, goal_id=UUID(int=10 + number, version=4), title="Ziel",
                         levels=LEVELS, baseline=-1, weight=1, caller=NORD, occurred_on=DAY)
    history.save()
    return app


def sealed_texts(app: InMemory) -> list[str]:
    """The goals' texts as stored: each client's title, then its level descriptions."""
    goals = [json.loads(n.state) for n in app.cases.recorder.select_notifications(1, 100)
             if n.topic.endswith("Case.GoalSet")]
    return [text for goal in goals for text in (goal["title"], *goal["levels"].values())]


def client_keys(app: InMemory) -> list[bytes | None]:
    return [app.vault.key_to_open(Client.create_id(f"p-{n}")) for n in (1, 2)]


def test_by_default_every_client_gets_a_fresh_key_and_every_text_a_fresh_nonce() -> None:
    first, again = imported(), imported()

    texts = sealed_texts(first)
    assert all(is_sealed(text) for text in texts)
    assert len(set(texts)) == len(texts) == 12  # the same words, sealed apart
    assert set(texts).isdisjoint(sealed_texts(again))
    keys = client_keys(first)
    assert None not in keys
    assert len(set(keys)) == 2
    assert set(keys).isdisjoint(client_keys(again))
    assert SECURE.key() != SECURE.key()
    assert SECURE.nonce() != SECURE.nonce()


def test_a_seeded_source_seals_the_same_history_into_the_same_bytes() -> None:
    first, again = imported(SeededRandomness(7)), imported(SeededRandomness(7))

    assert sealed_texts(first) == sealed_texts(again)
    assert len(set(sealed_texts(first))) == 12  # still a nonce of its own for each text
    assert client_keys(first) == client_keys(again)
    assert sealed_texts(imported(SeededRandomness(8))) != sealed_texts(first)


def test_a_text_sealed_from_a_seeded_source_reads_as_written() -> None:
    app = imported(SeededRandomness(7))
    case = app.cases.details(app.cases.repository.get(UUID(int=1, version=4)))

    assert [(goal.title, goal.levels) for goal in case.goals] == [("Ziel", LEVELS)]
