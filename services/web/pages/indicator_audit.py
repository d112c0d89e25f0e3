"""The auditor's desk for indicators: an answer with its manifest, the saved answer as a file,
its verification by replay in the metrics service, and the restatements of a period."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from services.web.clients import JSON, Invalid, NotThere, Unavailable, services_of
from services.web.flow import CsrfRefused, SignedIn, clock_of, see_other
from services.web.forms import date_text
from services.web.labels import N_
from services.web.person import Person
from services.web.rendering import is_partial, language, pages_of
from services.web.security import CSRF_FIELD, csrf_is_valid

router = APIRouter()
BASE = "/revision/indikatoren"
LARGEST_FILE = 20 * 1024 * 1024  # bytes; a saved answer of every cell of a city-year fits
OFFICE_TIME = ZoneInfo("Europe/Berlin")
Text = Annotated[str, Query(max_length=100)]


def auditor(person: SignedIn) -> Person:
    """The signed-in person, if an auditor: the desk is theirs alone."""
    if not person.is_auditor:
        raise HTTPException(status_code=403)
    return person


Auditor = Annotated[Person, Depends(auditor)]


@dataclass(frozen=True)
class Question:
    """What the form asks: an indicator, a period, one breakdown, and a date of knowledge."""

    indicator: str = ""
    period: str = ""
    by: str = ""
    as_of: str = ""  # a date as typed: what was recorded by the end of that day

    def params(self) -> dict[str, str]:
        return asdict(self)

    def api_params(self) -> dict[str, Any]:
        return {"period": self.period, "by": self.by, "as_of": _end_of_day(self.as_of)}

    def date_error(self) -> dict[str, str]:
        if self.as_of and _end_of_day(self.as_of) is None:
            return {"as_of": N_("Bitte ein gültiges Datum angeben (Tag.Monat.Jahr).")}
        return {}


def _end_of_day(typed: str) -> str | None:
    """The end of the typed day in the office's time zone, as the API reads a time."""
    iso = date_text(typed)
    try:
        day = date.fromisoformat(iso) if iso else None
    except ValueError:
        return None
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), OFFICE_TIME).isoformat()


@router.get(BASE, include_in_schema=False)
async def answer_page(request: Request, person: Auditor, indicator: Text = "",
                      period: Text = "", by: Text = "", as_of: Text = "") -> Response:
    question = Question(indicator, period or str(clock_of(request).now().year), by, as_of)
    errors = {key: _text(request, message) for key, message in question.date_error().items()}
    answer, text = None, ""
    if indicator and not errors:
        try:
            text = await services_of(request).metrics.answer_text(
                person.token, indicator, **question.api_params())
            answer = json.loads(text)
        except Invalid as error:
            errors = _question_errors(request, error)
        except NotThere:
            errors = {"indicator": _text(request, N_("Diese Kennzahl gibt es nicht."))}
    return await _render(request, person, "indicator_audit/answer.html", question,
                         errors=errors, answer=answer, answer_text=text,
                         saved=_saved(answer, text) if answer else None,
                         status=422 if errors else 200)


@dataclass(frozen=True)
class SavedAnswer:
    """The answer as a file to keep: its name, and its bytes as a data URL of a link that
    downloads them (no request back, so the file is exactly what the page was given)."""

    filename: str
    href: str


def _saved(answer: JSON, text: str) -> SavedAnswer:
    manifest = answer["manifest"]
    name = "-".join(str(part) for part in ("wirkung", manifest["indicator"],
                                           manifest["question"]["period"],
                                           manifest["answered_at"]))
    encoded = base64.b64encode(text.encode()).decode("ascii")
    return SavedAnswer(re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".json",
                       f"data:application/json;base64,{encoded}")


@router.post(f"{BASE}/pruefungen", include_in_schema=False)
async def start_verification(request: Request, person: Auditor) -> Response:
    """Start the replay of the answer just fetched, or of an uploaded saved answer."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if not csrf_is_valid(request, token if isinstance(token, str) else None):
        raise CsrfRefused
    fetched, upload = form.get("answer"), form.get("datei")
    field = "_" if isinstance(fetched, str) and fetched else "datei"
    try:
        document = (_answer_of(fetched.encode()) if isinstance(fetched, str) and fetched
                    else await _uploaded(upload))
    except _NotAnAnswer as refusal:
        return await _refused(request, person, field, _text(request, refusal.message))
    try:
        started = await services_of(request).metrics.start_verification(person.token, document)
    except Invalid as error:
        reason = str(error.problem.get("detail") or "")
        message = _text(request, N_("Diese Antwort lässt sich nicht prüfen: %(reason)s"))
        return await _refused(request, person, field, message % {"reason": reason})
    except Unavailable as error:
        if error.status != 429:
            raise
        seconds = int(error.problem.get("retry_after") or 30)
        message = _text(request, N_("Es warten bereits mehrere Prüfungen. Bitte versuchen Sie "
                                    "es in etwa %(seconds)s Sekunden noch einmal."))
        return await _refused(request, person, field, message % {"seconds": seconds},
                              status=429, headers={"Retry-After": str(seconds)})
    return see_other(f"{BASE}/pruefungen/{started['id']}")


class _NotAnAnswer(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def _uploaded(upload: Any) -> JSON:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise _NotAnAnswer(N_("Bitte eine gespeicherte Antwort (JSON-Datei) auswählen."))
    content = await upload.read(LARGEST_FILE + 1)
    if len(content) > LARGEST_FILE:
        raise _NotAnAnswer(N_("Die Datei ist zu groß (höchstens 20 MB)."))
    return _answer_of(content)


def _answer_of(content: bytes) -> JSON:
    try:
        document = json.loads(content)
    except ValueError as error:
        raise _NotAnAnswer(N_("Die Datei enthält kein JSON.")) from error
    if not isinstance(document, dict):
        raise _NotAnAnswer(N_("Die Datei ist keine gespeicherte Antwort einer Kennzahl."))
    return document


async def _refused(request: Request, person: Person, field: str, message: str, *,
                   status: int = 422, headers: dict[str, str] | None = None) -> Response:
    return await _render(request, person, "indicator_audit/answer.html",
                         Question(period=str(clock_of(request).now().year)), errors={},
                         verify_errors={field: message}, answer=None, answer_text="",
                         status=status, headers=headers)


@router.get(f"{BASE}/pruefungen/{{verification_id}}", include_in_schema=False)
async def verification_page(request: Request, person: Auditor, verification_id: str,
                            zuvor: Text = "") -> Response:
    """Progress of a verification, then its verdict; htmx asks again every second."""
    verification = await services_of(request).metrics.verification(person.token,
                                                                   verification_id)
    partial = is_partial(request)
    template = ("indicator_audit/_verification.html" if partial
                else "indicator_audit/verification.html")
    return pages_of(request).render(request, template, verification=verification,
                                    announce=partial and zuvor != verification["state"],
                                    base=BASE)


@router.get(f"{BASE}/korrekturen", include_in_schema=False)
async def restatements_page(request: Request, person: Auditor, indicator: Text = "",
                            period: Text = "", by: Text = "", as_of: Text = "") -> Response:
    """The values first known when the period closed, and each later change."""
    question = Question(indicator, period or str(clock_of(request).now().year - 1), by, as_of)
    errors = {key: _text(request, message) for key, message in question.date_error().items()}
    found = None
    if indicator and not errors:
        try:
            found = await services_of(request).metrics.restatements(
                person.token, indicator, **question.api_params())
        except Invalid as error:
            errors = _question_errors(request, error)
        except NotThere:
            errors = {"indicator": _text(request, N_("Diese Kennzahl gibt es nicht."))}
    return await _render(request, person, "indicator_audit/restatements.html", question,
                         errors=errors, found=found, status=422 if errors else 200)


def _question_errors(request: Request, error: Invalid) -> dict[str, str]:
    """The metrics service's refusal of a question, beside the field it concerns."""
    title = str(error.problem.get("title") or "")
    # A period the document's pattern already refuses comes back as a validation error
    # of the query parameter; one that passes it and still names no period, by title.
    refused = {str(item.get("loc", [""])[-1]) for item in error.problem.get("errors") or []
               if isinstance(item, dict) and item.get("loc")}
    if title == "Invalid period" or "period" in refused:
        return {"period": _text(request, N_("Bitte einen Zeitraum wie 2026, 2026-Q1 oder "
                                            "2026-03 angeben."))}
    if title == "Unknown dimension":
        return {"by": _text(request, N_("Diese Kennzahl lässt sich nicht danach "
                                        "aufschlüsseln."))}
    return {"_": _text(request, N_("Diese Abfrage ist ungültig."))}


async def _render(request: Request, person: Person, template: str, question: Question, *,
                  status: int = 200, headers: dict[str, str] | None = None,
                  **context: Any) -> Response:
    catalog = await services_of(request).metrics.catalog(person.token)
    title = "title_en" if language(request) == "en" else "title_de"
    titles = {str(item["id"]): str(item[title]) for item in catalog}
    indicators = sorted(titles.items(), key=lambda item: item[1].casefold())
    return pages_of(request).render(request, template, status=status, headers=headers,
                                    indicators=indicators, titles=titles, question=question,
                                    base=BASE, **context)


def _text(request: Request, message: str) -> str:
    return pages_of(request).text(request, message)
