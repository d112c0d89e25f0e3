"""How many verifications run and wait at once, with a replay of our own that waits to be
let go (the replay itself is tested on the broker in test_verifications)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services.metrics.replay import Progress
from services.metrics.verification import BadManifest, Verdict, checked
from services.metrics.verifications import Busy, State, Verifications
from shared.clock import FixedClock
from shared.topics import Topics
from tests.metrics.history import NOW

CLOCK = FixedClock(NOW.date())
TOPICS = Topics("wirkung")


def answer(number: int) -> dict[str, Any]:
    from services.metrics.catalog import CATALOG

    definition = CATALOG["active_cases"]
    return {"cells": [], "manifest": {
        "indicator": "active_cases", "version": definition.version,
        "definition_hash": definition.definition_hash,
        "question": {"period": "2026", "by": [], "grain": None, "as_of": None,
                     "provider_id": None},
        "evaluated_on": "2026-05-04", "answered_at": "2026-05-04T09:12:03+00:00",
        "disclosure_threshold": 5,
        "input_positions": {TOPICS.cases: {"0": number}},
        "reference_population": None, "result_hash": f"sha256:{number}"}}


class HeldReplay:
    """Replays that report progress, then wait until the test lets them finish."""

    def __init__(self) -> None:
        self.running = 0
        self.most_at_once = 0
        self.go = asyncio.Event()

    async def __call__(self, document: Any, progress: Progress) -> Verdict:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            progress(3, 10)
            await self.go.wait()
            if document["manifest"]["input_positions"][TOPICS.cases]["0"] == 99:
                raise BadManifest("the topics hold no event at offset 99")
            manifest = checked(document, TOPICS)
            return Verdict(manifest, manifest.result_hash, 10)
        finally:
            self.running -= 1


async def settled() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_one_runs_three_wait_and_a_fifth_is_refused() -> None:
    replay = HeldReplay()
    verifications = Verifications(replay, TOPICS, CLOCK, running=1, waiting=3)

    first = verifications.start(answer(1), "au-1")
    await settled()
    waiting = [verifications.start(answer(n), "au-1") for n in (2, 3, 4)]
    await settled()
    with pytest.raises(Busy):
        verifications.start(answer(5), "au-1")

    assert first.state is State.RUNNING
    assert (first.events_done, first.events_total) == (3, 10)
    assert [v.state for v in waiting] == [State.QUEUED] * 3
    assert [verifications.ahead_of(v) for v in waiting] == [1, 2, 3]
    replay.go.set()
    await asyncio.gather(*verifications.tasks)
    assert replay.most_at_once == 1
    assert all(v.state is State.DONE and v.verdict is not None and v.verdict.matches
               for v in (first, *waiting))
    assert verifications.start(answer(6), "au-1").state is State.QUEUED
    await verifications.close()


async def test_a_replay_that_finds_the_positions_missing_fails_with_the_reason() -> None:
    replay = HeldReplay()
    replay.go.set()
    verifications = Verifications(replay, TOPICS, CLOCK)

    verification = verifications.start(answer(99), "au-1")
    await asyncio.gather(*verifications.tasks)

    assert verification.state is State.FAILED
    assert verification.verdict is None
    assert verification.error == "the topics hold no event at offset 99"
    assert verification.document is None


def test_a_document_that_is_no_answer_is_refused_before_it_is_queued() -> None:
    verifications = Verifications(HeldReplay(), TOPICS, CLOCK)

    with pytest.raises(BadManifest, match="not a manifest"):
        verifications.start({"indicator": "active_cases"}, "au-1")
    with pytest.raises(BadManifest, match="installation's are"):
        verifications.start({**answer(1), "manifest": {
            **answer(1)["manifest"], "input_positions": {"elsewhere.cases.events": {"0": 1}}}},
            "au-1")
    assert verifications.all == {}


async def test_only_the_last_finished_ones_are_kept() -> None:
    replay = HeldReplay()
    replay.go.set()
    verifications = Verifications(replay, TOPICS, CLOCK, kept=2)

    started = []
    for number in range(4):
        started.append(verifications.start(answer(number), "au-1"))
        await asyncio.gather(*verifications.tasks)

    assert [verifications.get(v.id) is not None for v in started] == [False, True, True, True]
