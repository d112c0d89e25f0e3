"""Events of a batch in aggregate-version order: due ones applied, duplicates skipped, gaps held."""

from __future__ import annotations

import collections
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.structs import ConsumerRecord

from shared.envelope import Envelope


@dataclass(slots=True)
class Pending:
    """A decoded message waiting to be applied."""

    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope
    event: Any


@dataclass
class BatchOutcome:
    applied: int = 0
    duplicates: int = 0
    held: int = 0
    dead: list[tuple[ConsumerRecord[bytes, bytes], BaseException]] = field(default_factory=list)
    duplicates_by_topic: collections.Counter[str] = field(default_factory=collections.Counter)

    def skip(self, item: Pending) -> None:
        self.duplicates += 1
        self.duplicates_by_topic[item.record.topic] += 1


@dataclass
class Decoded:
    """A batch's records decoded: those to apply, and those for the dead-letter topic."""

    pending: list[Pending] = field(default_factory=list)
    dead: list[tuple[ConsumerRecord[bytes, bytes], BaseException]] = field(default_factory=list)


async def in_order(pending: list[Pending], versions: dict[str, int], outcome: BatchOutcome,
                    apply: Callable[[Pending], Awaitable[bool]] | None = None,
                    ) -> tuple[list[Pending], list[Pending]]:
    """Apply (or, without `apply`, just pick) the due events in order; the rest wait."""
    applied: list[Pending] = []
    waiting, progress = pending, True
    while waiting and progress:
        progress, still_waiting = False, []
        for item in waiting:
            subject, version = item.envelope.subject, item.envelope.aggregate_version
            current = versions.get(subject, 0)
            if version <= current:
                outcome.skip(item)
            elif version > current + 1:
                still_waiting.append(item)
            elif apply is None or await apply(item):
                versions[subject] = version
                applied.append(item)
                progress = True
        waiting = still_waiting
    return applied, waiting
