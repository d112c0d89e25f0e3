"""Steuerung: the contract manager's start page (key indicators, impact goals against their
targets) and the indicator explorer (table, chart, definition, CSV download)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web import labels
from services.web.charts import BarChart, bar_chart
from services.web.clients import JSON, Invalid, NotThere, Services, services_of
from services.web.flow import SignedIn, clock_of
from services.web.labels import N_
from services.web.pages.figures import Table, table_of
from services.web.person import Person
from services.web.rendering import language, pages_of

router = APIRouter()
KEY_INDICATORS = ("active_cases", "planned_closure_rate", "goal_attainment_rate",
                  "impact_goal_achievement", "budget_utilisation", "capacity_utilisation",
                  "report_timeliness")
GOALS_PER_PAGE = 20
NAMES_PAGE = 200  # the agreements service's largest page
WHOLE_YEAR = "gesamt"
SECTIONS = {WHOLE_YEAR: N_("ganzes Jahr"), "Q1": N_("1. Quartal"), "Q2": N_("2. Quartal"),
            "Q3": N_("3. Quartal"), "Q4": N_("4. Quartal"), "01": N_("Januar"),
            "02": N_("Februar"), "03": N_("März"), "04": N_("April"), "05": N_("Mai"),
            "06": N_("Juni"), "07": N_("Juli"), "08": N_("August"), "09": N_("September"),
            "10": N_("Oktober"), "11": N_("November"), "12": N_("Dezember")}
Text = Annotated[str, Query()]  # checked below, so that a wrong one gets a German message


def _manager(person: Person) -> None:
    if not person.is_contract_manager:
        raise NotThere(404, {})


@router.get("/steuerung", include_in_schema=False)
async def start(request: Request, person: SignedIn, seite: Text = "1") -> Response:
    _manager(person)
    page = min(int(seite), 10_000) if seite.isdigit() and int(seite) > 0 else 1
    metrics = services_of(request).metrics
    year = str(clock_of(request).today().year)
    asked: list[Any] = await asyncio.gather(  # at once: the page waits for the slowest
        metrics.catalog(person.token),
        metrics.impact_goals(person.token, period=year, limit=GOALS_PER_PAGE,
                             offset=(page - 1) * GOALS_PER_PAGE),
        *(metrics.indicator(person.token, key, period=year) for key in KEY_INDICATORS))
    catalog: list[JSON] = asked[0]
    goals: JSON = asked[1]
    answers: list[JSON] = asked[2:]
    definitions = {item["id"]: item for item in catalog}
    key_figures = [(definitions[answer["indicator"]], answer) for answer in answers
                   if answer["indicator"] in definitions]
    last_page = max(1, -(-int(goals["total"]) // GOALS_PER_PAGE))
    return pages_of(request).render(request, "steering/start.html", year=year,
                                    key_figures=key_figures, goals=goals,
                                    definitions=definitions, current_page=page,
                                    last_page=last_page)


@dataclass
class Choice:
    """What the person chose in the explorer's form, and what is wrong with it."""

    indicator: str
    year: str
    section: str
    by: list[str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def period(self) -> str:
        whole = self.section == WHOLE_YEAR
        return self.year + ("" if whole else f"-{self.section}")

    @property
    def params(self) -> dict[str, str]:
        return {"indikator": self.indicator, "jahr": self.year, "abschnitt": self.section,
                "nach1": self.by[0] if self.by else "",
                "nach2": self.by[1] if len(self.by) > 1 else ""}


def _choice(catalog: dict[str, JSON], indicator: str, year: str, section: str,
            first: str, second: str) -> Choice:
    by = list(dict.fromkeys(name for name in (first, second) if name))
    choice = Choice(indicator, year, section or WHOLE_YEAR, by)
    definition = catalog.get(indicator)
    if indicator and definition is None:
        choice.errors["indikator"] = N_("Diesen Indikator gibt es nicht. Bitte einen aus der "
                                        "Liste wählen.")
    if not re.fullmatch(r"(19|20|21)\d\d", choice.year):
        choice.errors["jahr"] = N_("Bitte ein Jahr mit vier Ziffern angeben, etwa 2026.")
    if choice.section not in SECTIONS:
        choice.errors["abschnitt"] = N_("Bitte ein Quartal, einen Monat oder das ganze Jahr "
                                        "wählen.")
    allowed = definition["dimensions"] if definition else labels.INDICATOR_DIMENSIONS
    for name, key in ((first, "nach1"), (second, "nach2")):
        if name and name not in allowed:
            choice.errors[key] = N_("Nach dieser Angabe lässt sich der gewählte Indikator "
                                    "nicht aufschlüsseln.")
    return choice


@dataclass
class Explored:
    choice: Choice
    catalog: dict[str, JSON]
    definition: JSON | None = None
    answer: JSON | None = None
    table: Table | None = None
    chart: BarChart | None = None
    status: int = 200


async def _explore(request: Request, person: Person, indicator: str, year: str, section: str,
                   first: str, second: str) -> Explored:
    services = services_of(request)
    catalog = {item["id"]: item for item in await services.metrics.catalog(person.token)}
    choice = _choice(catalog, indicator, year or str(clock_of(request).today().year), section,
                     first, second)
    explored = Explored(choice, catalog, definition=catalog.get(indicator))
    if choice.errors:
        explored.status = 422
        return explored
    if not indicator:
        return explored
    try:
        answer, names = await asyncio.gather(
            services.metrics.indicator(person.token, indicator, period=choice.period,
                                       by=",".join(choice.by)),
            _names(services, person, choice.by))
    except Invalid:
        choice.errors["_"] = N_("Diese Auswahl kann nicht ausgewertet werden. Bitte prüfen Sie "
                                "Zeitraum und Aufschlüsselung.")
        explored.status = 422
        return explored
    gettext = _translate(request)
    assert explored.definition is not None
    table = table_of(answer, explored.definition, language(request), gettext, names)
    explored.answer, explored.table = answer, table
    explored.chart = bar_chart([(row.label or gettext("gesamt"), row.value,
                                 row.withheld or row.figures[0]) for row in table.rows])
    return explored


def _translate(request: Request) -> Any:
    pages = pages_of(request)
    return lambda text: pages.text(request, text)


async def _names(services: Services, person: Person, by: list[str]) -> dict[str, dict[str, str]]:
    """Names of the providers and agreements the breakdown shows (their ids otherwise)."""
    names: dict[str, dict[str, str]] = {}
    if "agreement" in by:
        items = await _every(services.agreements.agreements, person.token)
        names["agreement"] = {str(i["agreement_id"]): str(i["title"]) for i in items}
    if "provider" in by:
        items = await _every(services.agreements.provider_list, person.token)
        names["provider"] = {str(i["provider_id"]): str(i["name"]) for i in items}
    return names


async def _every(page_of: Any, token: str) -> list[JSON]:
    first = await page_of(token, limit=NAMES_PAGE, offset=0)
    rest = await asyncio.gather(*(page_of(token, limit=NAMES_PAGE, offset=offset)
                                  for offset in range(NAMES_PAGE, int(first["total"]),
                                                      NAMES_PAGE)))
    return [item for page in (first, *rest) for item in page["items"]]


@router.get("/steuerung/indikator", include_in_schema=False)
async def explorer(request: Request, person: SignedIn, indikator: Text = "", jahr: Text = "",
                   abschnitt: Text = "", nach1: Text = "", nach2: Text = "") -> Response:
    _manager(person)
    explored = await _explore(request, person, indikator, jahr, abschnitt, nach1, nach2)
    partial = bool(request.headers.get("HX-Request")) and \
        not request.headers.get("HX-History-Restore-Request")
    # htmx swaps only answers of 2xx: a refused choice comes with its messages all the same
    template = "steering/_explorer.html" if partial else "steering/explorer.html"
    return pages_of(request).render(request, template, e=explored, sections=SECTIONS,
                                    status=200 if partial else explored.status)


@router.get("/steuerung/indikator/aufschluesselung", include_in_schema=False)
async def breakdowns(request: Request, person: SignedIn, indikator: Text = "",
                     nach1: Text = "", nach2: Text = "") -> Response:
    """The breakdown fields for the indicator chosen (htmx asks as the choice changes); a
    breakdown the indicator does not allow is dropped, not refused."""
    _manager(person)
    catalog = {item["id"]: item for item in
               await services_of(request).metrics.catalog(person.token)}
    definition = catalog.get(indikator)
    allowed = definition["dimensions"] if definition else []
    by = [name for name in (nach1, nach2) if name in allowed]
    choice = Choice(indikator, "", WHOLE_YEAR, list(dict.fromkeys(by)))
    return pages_of(request).render(request, "steering/_breakdowns.html",
                                    e=Explored(choice, catalog, definition=definition))


@router.get("/steuerung/indikator.csv", include_in_schema=False)
async def download(request: Request, person: SignedIn, indikator: Text = "", jahr: Text = "",
                   abschnitt: Text = "", nach1: Text = "", nach2: Text = "") -> Response:
    _manager(person)
    explored = await _explore(request, person, indikator, jahr, abschnitt, nach1, nach2)
    if explored.table is None:
        if not explored.choice.errors:
            explored.choice.errors["indikator"] = N_("Bitte einen Indikator wählen.")
        return pages_of(request).render(request, "steering/explorer.html",
                                        status=explored.status if explored.status != 200
                                        else 422, e=explored, sections=SECTIONS)
    name = f"{indikator}_{explored.choice.period}.csv"
    return Response(explored.table.csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
