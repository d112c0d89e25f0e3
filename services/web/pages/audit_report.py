"""The auditor's report (Prüfbericht) of a period, made from the services' APIs in the
background of this process, its progress shown, then downloaded as one HTML file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from services.web.clients import ServiceError, SignInRequired, services_of
from services.web.flow import Form, clock_of, form_of, see_other
from services.web.labels import N_, REPORT_PARTS
from services.web.pages.audit_history import Auditor
from services.web.person import Person
from services.web.rendering import is_partial, pages_of
from services.web.report.gather import gather_patiently
from services.web.report.runs import ReportRun, ReportRuns
from shared.report.model import ReportPeriod

router = APIRouter()
BASE = "/revision/pruefbericht"
SERVICES = {"agreements": N_("Der Dienst für Vereinbarungen und Träger"),
            "cases": N_("Der Dienst für Fälle"), "metrics": N_("Der Kennzahlendienst")}


def runs_of(request: Request) -> ReportRuns:
    runs: ReportRuns = request.app.state.report_runs
    return runs


@dataclass(frozen=True)
class Choice:
    """The period as the form asks it: a year, and the whole year, a quarter or a month."""

    jahr: str = ""
    teil: str = ""

    def period(self, today: date) -> tuple[ReportPeriod | None, dict[str, str]]:
        """The period chosen, or what is wrong with the choice (by field), on `today`."""
        year = self.jahr.strip()
        if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100):
            return None, {"jahr": N_("Bitte ein Jahr mit vier Ziffern angeben, zum Beispiel "
                                     "2026.")}
        if self.teil not in REPORT_PARTS:
            return None, {"teil": N_("Bitte das ganze Jahr, ein Quartal oder einen Monat "
                                     "wählen.")}
        period = ReportPeriod.of(int(year), self.teil)
        if period.start > today:
            return None, {"teil" if self.teil else "jahr": N_("Dieser Zeitraum hat noch nicht "
                                                              "begonnen.")}
        return period, {}


@router.get(BASE, include_in_schema=False)
async def choose(request: Request, person: Auditor) -> Response:
    return _form(request, Choice(str(clock_of(request).now().year)), {})


@router.post(BASE, include_in_schema=False)
async def start(request: Request, person: Auditor) -> Response:
    """Start the report of the chosen period (or join the one of it under way)."""
    form: Form = await form_of(request)
    choice = Choice(form.get("jahr", ""), form.get("teil", ""))
    clock = clock_of(request)
    period, errors = choice.period(clock.now().date())
    if period is None:
        return _form(request, choice, errors, status=422)
    runs = runs_of(request)
    services = services_of(request)
    run = runs.running(person.subject, period) or runs.start(
        person.subject, period,
        lambda progress: gather_patiently(services, person.token, period, progress,
                                          clock=clock))
    return see_other(f"{BASE}/{run.id}")


@router.get(f"{BASE}/{{run_id}}", include_in_schema=False)
async def progress_page(request: Request, person: Auditor, run_id: str,
                        zuvor: str = "") -> Response:
    """How far the report has come; htmx asks again every second until it is done."""
    run = _run(request, person, run_id)
    partial = is_partial(request)
    template = "audit_report/_run.html" if partial else "audit_report/run.html"
    return pages_of(request).render(request, template, run=run, base=BASE,
                                    failure=_failure(request, run),
                                    filename=_filename(run),
                                    announce=partial and zuvor != run.state)


@router.get(f"{BASE}/{{run_id}}/datei", include_in_schema=False)
async def download(request: Request, person: Auditor, run_id: str) -> Response:
    """The finished report as a file; nothing while it is made or when it failed."""
    run = _run(request, person, run_id)
    if run.page is None:
        raise HTTPException(status_code=404)
    return Response(run.page, media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{_filename(run)}"',
        "Cache-Control": "no-store"})


def _run(request: Request, person: Person, run_id: str) -> ReportRun:
    run = runs_of(request).of(run_id, person.subject)
    if run is None:
        raise HTTPException(status_code=404)
    return run


def _filename(run: ReportRun) -> str:
    return f"pruefbericht-{run.period.label}.html"


def _failure(request: Request, run: ReportRun) -> str | None:
    """Why the report could not be made, in words."""
    if run.state != "failed":
        return None
    text = pages_of(request).text
    failure = run.failure
    if failure is None:
        return text(request, N_("Beim Erstellen ist ein unerwarteter Fehler aufgetreten."))
    service = text(request, SERVICES.get(failure.service, failure.service))
    error: ServiceError = failure.error
    if isinstance(error, SignInRequired):
        return text(request, N_("Ihre Anmeldung ist abgelaufen, bevor der Bericht fertig "
                                "war. Bitte melden Sie sich neu an und starten Sie ihn "
                                "noch einmal."))
    if error.status >= 500:
        return text(request, N_("%(service)s antwortet nicht (%(reason)s).")) % {
            "service": service, "reason": _reason(error)}
    return text(request, N_("%(service)s hat eine Anfrage abgelehnt (%(reason)s).")) % {
        "service": service, "reason": _reason(error)}


def _reason(error: ServiceError) -> str:
    detail = str(error.problem.get("title") or "")
    return f"HTTP {error.status}" + (f", {detail}" if detail else "")


def _form(request: Request, choice: Choice, errors: dict[str, str], *,
          status: int = 200) -> Response:
    text = pages_of(request).text
    return pages_of(request).render(
        request, "audit_report/choose.html", status=status, choice=choice, base=BASE,
        errors={name: text(request, message) for name, message in errors.items()})
