"""HTTP routes of the auditor's verifications: a saved answer computed again by replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from services.metrics.api.answers import VerdictOut, VerificationOut
from services.metrics.api.dependencies import Auditor, Running
from services.metrics.verification import BadManifest
from services.metrics.verifications import Busy, Verification, Verifications
from shared.problems import NotFound, Problem

router = APIRouter(tags=["verifications"])


@router.post("/verifications", status_code=202, response_model=VerificationOut,
             summary="Verify a saved indicator answer by replay, in the background",
             responses={422: {"description": "No answer or manifest this installation can "
                              "verify."},
                        429: {"description": "Enough verifications wait already; retry after "
                              "Retry-After seconds."}})
async def start_verification(
    document: Annotated[dict[str, Any], Body(description="The saved answer, exactly as "
                                             "GET /indicators/{id} answered it (or its "
                                             "manifest alone).")],
    response: Response, principal: Auditor, running: Running,
) -> VerificationOut:
    """Replays the topics up to the manifest's input positions into a scratch schema,
    computes the indicator again and compares; read the progress and the verdict at
    Location."""
    try:
        verification = running.start(document, principal.subject)
    except BadManifest as error:
        raise Problem(str(error), status=422, title="Cannot be verified") from error
    except Busy as error:
        raise Problem(str(error), status=429, title="Too many verifications",
                      headers={"Retry-After": str(Busy.retry_after)},
                      extensions={"retry_after": Busy.retry_after}) from error
    response.headers["Location"] = f"/verifications/{verification.id}"
    return _out(verification, running)


@router.get("/verifications/{verification_id}", response_model=VerificationOut,
            summary="A verification's progress, and its verdict once done")
async def read_verification(verification_id: str, response: Response, principal: Auditor,
                            running: Running) -> VerificationOut:
    verification = running.get(verification_id)
    if verification is None:
        raise NotFound(f"No verification {verification_id} (a restart forgets them).")
    if not verification.finished:
        response.headers["Retry-After"] = "1"
    return _out(verification, running)


def _out(verification: Verification, running: Verifications) -> VerificationOut:
    manifest = verification.manifest
    verdict = verification.verdict
    return VerificationOut(
        id=verification.id, state=verification.state.value, indicator=manifest.indicator,
        version=manifest.version, definition_hash=manifest.definition_hash,
        result_hash=manifest.result_hash, period=manifest.question.period,
        queued_at=verification.queued_at.isoformat(),
        started_at=_iso(verification.started_at), finished_at=_iso(verification.finished_at),
        ahead=running.ahead_of(verification), events_done=verification.events_done,
        events_total=verification.events_total,
        verdict=None if verdict is None else VerdictOut.model_validate(verdict.as_json()),
        error=verification.error)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
