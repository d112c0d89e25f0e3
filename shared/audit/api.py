"""The audit API of a write service: its chain's verification and latest signed checkpoints.

For auditors only. The web's chain page reads it (the web never reads a
database); the result is the one `wirkung audit verify` prints for the service.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shared.audit.checkpoint import Checkpoint
from shared.audit.monitor import ChainMonitor, FinishedCheck
from shared.audit.store import AuditStore
from shared.auth import Principal, Role, require
from shared.problems import Problem

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
Wait = Annotated[float, Query(ge=0, le=30, description=(
    "Seconds to wait for a verification under way to finish before answering."))]
LATEST = 5


@dataclass(frozen=True)
class AuditChain:
    """What the audit API reads: the service's chain monitor and audit store."""

    service: str
    monitor: ChainMonitor
    store: AuditStore
    public_key: str | None  # base64, as printed in the minutes; None: checkpoints unsigned


class FindingOut(BaseModel):
    """Something that does not add up, at a position of the notification log."""

    position: int = Field(examples=[6])
    aggregate_id: str | None = Field(examples=["6f1c0a52-3c1e-4d8e-9a57-2f0f6b8f1a10"])
    problem: str = Field(examples=["event edited"])


class VerificationOut(BaseModel):
    """A finished verification of the chain against the store and every checkpoint."""

    started_at: datetime
    finished_at: datetime
    failure: str | None = Field(description="Why the run failed (then no counts).",
                                examples=[None])
    intact: bool | None = Field(description="No finding; None if the run failed.")
    events: int = Field(description="Events in the store.", examples=[1200])
    chained: int = Field(description="Events in the stored chain.", examples=[1200])
    checkpoints_valid: int = Field(description="Checkpoints whose signature is the service's.")
    kept: int = Field(description="Checkpoints in the service's database.")
    published: int = Field(description="Checkpoints read from the checkpoints topic.")
    findings: list[FindingOut]

    @classmethod
    def of(cls, finished: FinishedCheck) -> VerificationOut:
        check = finished.check
        if check is None:
            return cls(started_at=finished.started_at, finished_at=finished.finished_at,
                       failure=finished.failure, intact=None, events=0, chained=0,
                       checkpoints_valid=0, kept=0, published=0, findings=[])
        result = check.verification
        return cls(started_at=finished.started_at, finished_at=finished.finished_at,
                   failure=None, intact=result.intact, events=result.events,
                   chained=result.chained, checkpoints_valid=result.checkpoints,
                   kept=check.kept, published=check.published,
                   findings=[FindingOut(position=f.position, aggregate_id=f.aggregate_id,
                                        problem=f.problem) for f in result.findings])


class CheckpointOut(BaseModel):
    """A signed checkpoint: the chain's hash at a position, signed with Ed25519."""

    position: int = Field(examples=[1000])
    chain_hash: str = Field(description="SHA-256, hex.")
    signed_at: datetime
    signature: str = Field(description="Ed25519 over the checkpoint's canonical JSON, hex.")

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointOut:
        return cls(position=checkpoint.position, chain_hash=checkpoint.chain_hash.hex(),
                   signed_at=checkpoint.signed_at, signature=checkpoint.signature.hex())


class ChainStatusOut(BaseModel):
    """The service's chain: the last verification, a run under way, the latest checkpoints."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "service": "agreements", "public_key": "Hn0m6mJ0l9yFv0d3o3Qk0dK8yqg6l5x0Qy9oUj8cF0s=",
        "running_since": None,
        "verification": {"started_at": "2026-11-30T14:00:00Z",
                         "finished_at": "2026-11-30T14:00:02Z", "failure": None,
                         "intact": True, "events": 1200, "chained": 1200,
                         "checkpoints_valid": 3, "kept": 2, "published": 2, "findings": []},
        "checkpoints": [{"position": 1200, "chain_hash": "9f2c…", "signed_at":
                         "2026-11-30T13:59:00Z", "signature": "5b1e…"}]}]})

    service: str = Field(examples=["agreements"])
    public_key: str | None = Field(description=(
        "The public key the checkpoints are verified with (base64); none if the service "
        "signs no checkpoints."))
    running_since: datetime | None = Field(description="A verification under way, since.")
    verification: VerificationOut | None = Field(description="The last finished one.")
    checkpoints: list[CheckpointOut] = Field(description=f"The {LATEST} signed last, latest "
                                                         "first.")


def audit_chain_of(request: Request) -> AuditChain:
    chain: AuditChain | None = getattr(request.app.state, "audit_chain", None)
    if chain is None:
        raise Problem("This service keeps no chain yet (it starts with the broker; a memory "
                      "store keeps none).", status=503, title="No chain",
                      headers={"Retry-After": "5"})
    return chain


async def _status(chain: AuditChain) -> ChainStatusOut:
    latest = await asyncio.to_thread(chain.store.latest_checkpoints, LATEST)
    last = chain.monitor.last
    return ChainStatusOut(service=chain.service, public_key=chain.public_key,
                          running_since=chain.monitor.running_since,
                          verification=VerificationOut.of(last) if last else None,
                          checkpoints=[CheckpointOut.of(c) for c in latest])


@router.get("/chain", summary="The chain's last verification and the latest checkpoints")
async def chain_status(request: Request, principal: Auditor, wait: Wait = 0) -> ChainStatusOut:
    """A verification starts by itself if there is none yet or the last is stale."""
    chain = audit_chain_of(request)
    chain.monitor.start_if_stale()
    await chain.monitor.settled(wait)
    return await _status(chain)


@router.post("/chain/verification", status_code=202, summary="Verify the chain now")
async def verify_chain_now(request: Request, principal: Auditor,
                           wait: Wait = 0) -> ChainStatusOut:
    """Starts a verification (unless one is under way) in the background."""
    chain = audit_chain_of(request)
    chain.monitor.start()
    await chain.monitor.settled(wait)
    return await _status(chain)
