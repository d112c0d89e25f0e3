"""Verification: recompute a service's chain from its event store and check it.

Against the stored chain (which names the first edited, deleted, inserted or
reordered event and its aggregate) and against every checkpoint, from the
database and from the checkpoints topic, whose signature must be the
service's and whose hash must equal the recomputed chain at its position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Notification

from shared.audit.chain import Link, genesis, link
from shared.audit.checkpoint import Checkpoint


@dataclass(frozen=True)
class Finding:
    """Something that does not add up, at a position of the notification log."""

    position: int
    aggregate_id: str | None
    problem: str

    def __str__(self) -> str:
        where = f" (aggregate {self.aggregate_id})" if self.aggregate_id else ""
        return f"position {self.position}{where}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    service: str
    events: int
    chained: int
    checkpoints: int
    findings: list[Finding]

    @property
    def intact(self) -> bool:
        return not self.findings


def stored_events(recorder: ApplicationRecorder, batch: int = 5000) -> Iterator[Notification]:
    position = 0
    while True:
        notifications = recorder.select_notifications(position, batch,
                                                      inclusive_of_start=False)
        yield from notifications
        if len(notifications) < batch:
            return
        position = notifications[-1].id


def verify_chain(service: str, events: Iterable[Notification],
                 links: Mapping[int, Link] | Iterable[Link],
                 checkpoints: Iterable[Checkpoint], public_key: Ed25519PublicKey) -> Verification:
    """Walk the stored events and the stored chain side by side, both in position order, so
    that a store of millions of events is verified in constant memory (`links` may be a
    stream, as `AuditStore.stream_links` gives it, or a mapping by position)."""
    signed_checkpoints = list(checkpoints)
    wanted = {checkpoint.position for checkpoint in signed_checkpoints}
    stored_links = iter(sorted(links.values(), key=lambda k: k.position)
                        if isinstance(links, Mapping) else links)
    findings: list[Finding] = []
    recomputed: dict[int, bytes] = {}  # at the checkpoints' positions only
    previous = genesis(service)  # of the chain recomputed from the store alone
    previous_stored = previous  # of the stored chain, so one change is named once
    pending = next(stored_links, None)
    count = chained = 0
    for event in events:
        count += 1
        while pending is not None and pending.position < event.id:
            findings.append(Finding(pending.position, pending.aggregate_id, "event deleted"))
            chained += 1
            pending = next(stored_links, None)
        previous = link(previous, event).chain_hash
        if event.id in wanted:
            recomputed[event.id] = previous
        expected = link(previous_stored, event)
        stored = None
        if pending is not None and pending.position == event.id:
            stored, pending = pending, next(stored_links, None)
            chained += 1
        previous_stored = stored.chain_hash if stored else expected.chain_hash
        aggregate = str(event.originator_id)
        if stored is None:
            if pending is not None:  # the chain goes on past this event: it was inserted
                findings.append(Finding(event.id, aggregate, "event inserted into the chain"))
        elif stored.aggregate_id != aggregate or stored.version != event.originator_version:
            findings.append(Finding(event.id, aggregate,
                                    f"event moved: the chain has {stored.aggregate_id} "
                                    f"version {stored.version} here"))
        elif stored.state_hash != expected.state_hash or stored.topic != event.topic:
            findings.append(Finding(event.id, aggregate, "event edited"))
        elif stored.chain_hash != expected.chain_hash:
            findings.append(Finding(event.id, aggregate,
                                    "chain broken: an earlier event was removed or reordered"))
    while pending is not None:
        findings.append(Finding(pending.position, pending.aggregate_id, "event deleted"))
        chained += 1
        pending = next(stored_links, None)
    signed = 0
    for checkpoint in signed_checkpoints:
        if checkpoint.service != service or not checkpoint.is_signed_by(public_key):
            findings.append(Finding(checkpoint.position, None,
                                    "checkpoint forged: its signature is not the service's"))
            continue
        signed += 1
        if recomputed.get(checkpoint.position) != checkpoint.chain_hash:
            findings.append(Finding(checkpoint.position, None,
                                    "the events up to here differ from the signed checkpoint"))
    findings.sort(key=lambda finding: finding.position)
    return Verification(service, count, chained, signed, _first_per_position(findings))


def _first_per_position(findings: list[Finding]) -> list[Finding]:
    unique: list[Finding] = []
    for finding in findings:
        if finding not in unique:
            unique.append(finding)
    return unique
