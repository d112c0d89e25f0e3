"""Bezugsgrößen: the contract manager uploads the reference population (a CSV file) to the
metrics service and sees what was imported, or each refused line with the reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from services.web import labels
from services.web.clients import Invalid, services_of
from services.web.flow import SignedIn, flash, form_of, see_other
from services.web.forms import field_messages
from services.web.labels import N_
from services.web.pages.providers import managing
from services.web.rendering import pages_of

router = APIRouter()
LARGEST_UPLOAD = 20_000_000  # bytes, as the metrics service takes


@router.get("/bezugsgroessen", include_in_schema=False)
async def population_page(request: Request, person: SignedIn) -> Response:
    managing(person)
    return _page(request)


@router.post("/bezugsgroessen", include_in_schema=False)
async def upload(request: Request, person: SignedIn) -> Response:
    managing(person)
    form = await form_of(request)
    source = form.get("source", "").strip()
    upload = (await request.form()).get("file")
    pages = pages_of(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, source=source, status=422, errors={
            "file": pages.text(request, N_("Bitte eine CSV-Datei wählen."))})
    content = await upload.read(LARGEST_UPLOAD + 1)
    try:
        result = await services_of(request).metrics.import_population(
            person.token, source=source, content=content)
    except Invalid as error:
        if error.rule != "population_file_invalid":
            return _page(request, source=source, status=422, errors=field_messages(
                pages, request, error, {"query.source": "source"}))
        return _page(request, source=source, status=422, file_name=upload.filename,
                     lines=_lines(request, error.problem), errors={"file": pages.text(
                         request, N_("Die Datei enthält Fehler; nichts wurde übernommen."))},
                     error_count=int(error.problem.get("error_count") or 0))
    flash(request, pages.text(request, N_(
        "%(count)s Zeilen aus „%(file)s“ übernommen (Quelle: %(source)s).")) % {
            "count": result["imported"], "file": upload.filename, "source": result["source"]})
    return see_other("/bezugsgroessen")


def _lines(request: Request, problem: dict[str, Any]) -> list[dict[str, Any]]:
    """Each refused line with the column and the reason in the person's language."""
    text = pages_of(request).text
    return [{"line": error.get("line"), "column": error.get("column") or "",
             "reason": text(request, labels.POPULATION_ERRORS.get(str(error.get("kind")),
                                                                  labels.ANY_FIELD_ERROR))}
            for error in problem.get("errors") or []]


def _page(request: Request, *, source: str = "", errors: dict[str, str] | None = None,
          lines: list[dict[str, Any]] | None = None, file_name: str = "", error_count: int = 0,
          status: int = 200) -> Response:
    return pages_of(request).render(request, "population/upload.html", status=status,
                                    source=source, errors=errors or {}, lines=lines or [],
                                    file_name=file_name, error_count=error_count)
