"""The auditor's histories (Verläufe): find a provider, agreement, report or case (by its
client's pseudonym); every recorded event of it; its state as of a moment or version; the
difference between two moments, field by field.

Everything is read through the services' APIs (`/history`, `?as_of=`, `?version=`):
the page computes nothing the services have not recorded, it only lays it side by side.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from services.web import labels
from services.web.clients import JSON, HistoryReads, Invalid, NotThere, services_of
from services.web.flow import SignedIn
from services.web.labels import N_
from services.web.pages.audit_fields import (
    Difference,
    Field,
    differences,
    fields,
    moment_field,
    moment_of,
    recorded,
)
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()
PAGE_SIZE = 25
POINTS = ("stand", "von", "bis")  # the as-of form's point, the difference's two points
NOT_A_MOMENT = N_("Bitte einen gültigen Zeitpunkt angeben, z. B. 30.11.2026 15:20:07.")
NOT_YET = N_("Zu diesem Zeitpunkt oder in dieser Version gab es den Eintrag noch nicht.")
DASH = " \N{EN DASH} "
NO_POINT = N_("Bitte eine Version wählen oder einen Zeitpunkt angeben.")


async def auditor(person: SignedIn) -> Person:
    """The signed-in auditor; anyone else is refused."""
    if not person.is_auditor:
        raise HTTPException(403)
    return person


Auditor = Annotated[Person, Depends(auditor)]


@router.get("/revision", include_in_schema=False)
async def lookup(request: Request, person: Auditor,
                 pseudonym: Annotated[str, Query(max_length=100)] = "",
                 seite: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    services = services_of(request)
    wanted = pseudonym.strip()
    providers = services.agreements.provider_list(person.token, limit=PAGE_SIZE,
                                                  offset=(seite - 1) * PAGE_SIZE)
    if wanted:
        page, cases = await asyncio.gather(providers, services.cases.cases(
            person.token, client_pseudonym=wanted, limit=100))
    else:
        page, cases = await providers, None
    return pages_of(request).render(
        request, "audit/lookup.html", providers=page, cases=cases, pseudonym=wanted,
        current_page=seite, last_page=max(1, -(-int(page["total"]) // PAGE_SIZE)))


@router.get("/revision/verlauf/traeger/{provider_id}", include_in_schema=False)
async def provider_history(request: Request, person: Auditor, provider_id: str) -> Response:
    agreements = services_of(request).agreements
    path = f"/providers/{_id(provider_id)}"
    related = await _read(agreements.agreements(person.token, provider_id=provider_id, limit=200))
    return await _history(request, person, agreements, path, kind=N_("Träger"),
                          name=lambda state: str(state["name"]),
                          related={"agreements": related["items"]})


@router.get("/revision/verlauf/vereinbarung/{agreement_id}", include_in_schema=False)
async def agreement_history(request: Request, person: Auditor, agreement_id: str) -> Response:
    agreements = services_of(request).agreements
    path = f"/agreements/{_id(agreement_id)}"
    reports = await _read(agreements.reports_of(person.token, agreement_id))
    return await _history(request, person, agreements, path, kind=N_("Vereinbarung"),
                          name=lambda state: str(state["terms"]["title"]),
                          related={"reports": reports, "agreement_id": agreement_id})


@router.get("/revision/verlauf/bericht/{agreement_id}/{period}", include_in_schema=False)
async def report_history(request: Request, person: Auditor, agreement_id: str,
                         period: str) -> Response:
    if len(period) > 20:
        raise NotThere(404, {})
    agreements = services_of(request).agreements
    path = f"/agreements/{_id(agreement_id)}/reports/{period}"
    return await _history(request, person, agreements, path, kind=N_("Bericht"),
                          name=lambda state: str(state["period"]),
                          related={"agreement_id": agreement_id})


@router.get("/revision/verlauf/fall/{case_id}", include_in_schema=False)
async def case_history(request: Request, person: Auditor, case_id: str) -> Response:
    return await _history(request, person, services_of(request).cases,
                          f"/cases/{_id(case_id)}", kind=N_("Fall"),
                          name=lambda state: str(state["client_pseudonym"]), related={})


def _id(text: str) -> str:
    """An object's id as the services name it; anything else is not there."""
    try:
        return str(uuid.UUID(text))
    except ValueError as error:
        raise NotThere(404, {}) from error


async def _read(call: Any) -> Any:
    """A read whose malformed name (a period, an id) means: not there."""
    try:
        return await call
    except Invalid as error:
        raise NotThere(404, error.problem) from error


@dataclass(frozen=True)
class State:
    """An object as it stood at a point: its version, the moment asked for (if one was)."""

    document: JSON
    version: int
    moment: str | None

    @property
    def fields(self) -> list[Field]:
        return fields(self.document)


async def _history(request: Request, person: Person, service: HistoryReads, path: str, *,
                   kind: str, name: Any, related: dict[str, Any]) -> Response:
    history, current = await asyncio.gather(_read(service.history_of(person.token, path)),
                                            _read(service.state_of(person.token, path)))
    pages, lang = pages_of(request), language(request)
    errors: dict[str, str] = {}
    asked = {point: _asked(request.query_params, point) for point in POINTS}
    states = {point: await _state_at(service, person.token, path, point, asked[point], errors)
              for point in POINTS}
    diff: list[Difference] | None = None
    before, after = states["von"], states["bis"]
    if before is not None and after is not None:
        diff = differences(before.document, after.document)
    elif any(asked["von"]) != any(asked["bis"]) and not errors:
        errors["von" if not any(asked["von"]) else "bis"] = NO_POINT
    events = [_event(entry, lang) for entry in history]
    version_word = pages.text(request, N_("Version"))
    versions = [(str(e["version"]), f"{version_word} {e['version']}{DASH}"
                 f"{pages.text(request, e['label']) if e['label'] else e['type']}{DASH}"
                 f"{e['recorded']}") for e in events]
    return pages.render(
        request, "audit/history.html", status=422 if errors else 200, kind=kind,
        name=name(current), current=current, events=events,
        versions=versions, asked=asked,
        typed={point: moment_field(asked[point][0]) if point not in errors else asked[point][0]
               for point in POINTS},
        state=states["stand"], before=before, after=after, diff=diff,
        errors={key: pages.text(request, message) for key, message in errors.items()},
        related=related, recorded=lambda moment: recorded(moment, lang))


def _asked(query: Mapping[str, str], point: str) -> tuple[str, str]:
    """What was asked for a point: the moment typed, the version chosen."""
    return query.get(point, "")[:40].strip(), query.get(f"{point}_version", "")[:10].strip()


async def _state_at(service: HistoryReads, token: str, path: str, point: str,
                    asked: tuple[str, str], errors: dict[str, str]) -> State | None:
    """The object at the point asked (a moment typed wins over a version chosen)."""
    typed, chosen = asked
    if not typed and not chosen:
        return None
    try:
        moment = moment_of(typed)
    except ValueError:
        errors[point] = NOT_A_MOMENT
        return None
    version = int(chosen) if chosen.isdigit() and moment is None else None
    if moment is None and version is None:
        errors[point] = NO_POINT
        return None
    try:
        document = await service.state_of(token, path, version=version, as_of=moment)
    except (NotThere, Invalid):
        errors[point] = NOT_YET
        return None
    return State(document, int(document["version"]), moment)


def _event(entry: JSON, lang: str) -> dict[str, Any]:
    kind = str(entry["type"])
    return {"version": entry["version"], "type": kind,
            "label": labels.EVENTS.get(kind),
            "recorded": recorded(str(entry["recorded_at"]), lang),
            "occurred_on": entry.get("occurred_on"), "actor": entry.get("actor"),
            "data": fields(entry.get("data") or {})}
