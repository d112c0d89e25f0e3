"""The auditor's chain page (Prüfkette): both write services' chains verified as
`wirkung audit verify` does it, with the latest signed checkpoints for the minutes.

The services verify in a worker thread of their own and keep the result with its time;
this page waits a few seconds for a run under way and otherwise shows the last one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.web.clients import JSON, HistoryReads, Unavailable, services_of
from services.web.flow import flash, form_of, see_other
from services.web.labels import N_
from services.web.pages.audit_fields import recorded
from services.web.pages.audit_history import Auditor
from services.web.rendering import language, pages_of

router = APIRouter()
WAIT_SECONDS = 5.0
SERVICES = {"agreements": N_("Vereinbarungen und Träger"), "cases": N_("Fälle")}


@router.get("/revision/kette", include_in_schema=False)
async def chain(request: Request, person: Auditor) -> Response:
    services = services_of(request)
    clients: dict[str, HistoryReads] = {"agreements": services.agreements,
                                        "cases": services.cases}
    answers = await asyncio.gather(*(_status(client.audit_chain(person.token,
                                                                 wait=WAIT_SECONDS))
                                     for client in clients.values()))
    lang = language(request)
    chains = [_shown(name, answer, lang) for name, answer in zip(clients, answers, strict=True)]
    return pages_of(request).render(request, "audit/chain.html", chains=chains)


@router.post("/revision/kette/pruefen", include_in_schema=False)
async def verify_now(request: Request, person: Auditor) -> Response:
    await form_of(request)
    services = services_of(request)
    await asyncio.gather(services.agreements.verify_chain(person.token),
                         services.cases.verify_chain(person.token))
    flash(request, pages_of(request).text(request, N_(
        "Die Prüfung beider Ketten ist gestartet.")))
    return see_other("/revision/kette")


async def _status(call: Any) -> JSON | None:
    """A service's chain status; None when it does not answer (the page says so)."""
    try:
        result: JSON = await call
    except Unavailable:
        return None
    return result


def _shown(service: str, answer: JSON | None, lang: str) -> dict[str, Any]:
    """One service's chain as the page shows it: times in Berlin, to the second."""
    if answer is None:
        return {"service": service, "title": SERVICES[service], "answer": None}
    verification = answer.get("verification")
    return {
        "service": service, "title": SERVICES[service], "answer": answer,
        "verification": verification,
        "started": recorded(verification["started_at"], lang) if verification else None,
        "finished": recorded(verification["finished_at"], lang) if verification else None,
        "running_since": (recorded(answer["running_since"], lang)
                          if answer.get("running_since") else None),
        "checkpoints": [{**checkpoint, "signed": recorded(checkpoint["signed_at"], lang)}
                        for checkpoint in answer["checkpoints"]],
    }
