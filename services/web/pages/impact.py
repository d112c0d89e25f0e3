"""Wirkung: a provider's own agreements, each impact goal against its target quarter by
quarter, and the agreement indicators over the quarters of a year of the term."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.web.charts import BarChart, bar_chart
from services.web.clients import JSON, NotThere, services_of
from services.web.flow import SignedIn, clock_of
from services.web.i18n import formatted_number
from services.web.labels import N_
from services.web.pages.figures import shown_value, unit_text
from services.web.rendering import language, pages_of

router = APIRouter()
AGREEMENT_INDICATORS = ("impact_goal_achievement", "capacity_utilisation",
                        "budget_utilisation", "report_timeliness",
                        "reported_vs_logged_success_gap")


@router.get("/wirkung", include_in_schema=False)
async def impact(request: Request, person: SignedIn,
                 jahr: Annotated[str, Query()] = "") -> Response:
    if not person.is_provider:
        raise NotThere(404, {})
    pages = pages_of(request)
    year = jahr or str(clock_of(request).today().year)
    if not re.fullmatch(r"(19|20|21)\d\d", year):
        return pages.render(request, "impact/page.html", status=422, year=year, error=N_(
            "Bitte ein Jahr mit vier Ziffern angeben, etwa 2026."), goals=None)
    metrics = services_of(request).metrics
    asked: list[Any] = await asyncio.gather(  # at once: the page waits for the slowest
        metrics.catalog(person.token),
        metrics.impact_goals(person.token, period=year, grain="quarter", limit=500),
        *(metrics.indicator(person.token, key, period=year, by="agreement,period",
                            grain="quarter") for key in AGREEMENT_INDICATORS))
    catalog: list[JSON] = asked[0]
    goals: JSON = asked[1]
    answers: list[JSON] = asked[2:]
    definitions = {item["id"]: item for item in catalog}

    def text(value: str) -> str:
        return pages.text(request, value)

    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    indicators = _indicator_rows(answers, definitions, language(request), text)
    charts = {(a["agreement"], index): _goal_chart(goal, definitions, language(request), text)
              for a in goals["agreements"] for index, goal in enumerate(a["goals"])}
    # The threshold above which the figures shown are perturbed (cell-key method); 0: none.
    perturbed = max((a["disclosure_threshold"] for a in answers if a.get("perturbed")),
                    default=0)
    return pages.render(request, "impact/page.html", year=year, error=None, goals=goals,
                        perturbed=perturbed,
                        definitions=definitions, quarters=quarters, indicators=indicators,
                        charts=charts, years=_years(goals, int(year)))


def _indicator_rows(answers: list[JSON], definitions: dict[str, JSON], lang: str,
                    text: Any) -> dict[str, list[tuple[JSON, dict[str, str]]]]:
    """Per agreement: each indicator with its text per quarter (value, or withheld)."""
    rows: dict[str, list[tuple[JSON, dict[str, str]]]] = {}
    for answer in answers:
        definition = definitions.get(answer["indicator"])
        if definition is None:
            continue
        per_agreement: dict[str, dict[str, str]] = {}
        for cell in answer["cells"]:
            texts = per_agreement.setdefault(str(cell["agreement"]), {})
            if cell["suppressed"]:
                texts[str(cell["period"])] = text(
                    N_("zurückgehalten (weniger als %(count)s Personen)")) % {
                    "count": answer["disclosure_threshold"]}
            elif cell["value"] is not None:
                texts[str(cell["period"])] = formatted_number(
                    shown_value(cell["value"], definition["unit"]), lang, 1) + " " + unit_text(
                    definition["unit"], text)
        for agreement, texts in per_agreement.items():
            rows.setdefault(agreement, []).append((definition, texts))
    return rows


def _goal_chart(goal: JSON, definitions: dict[str, JSON], lang: str,
                text: Any) -> BarChart | None:
    unit = definitions.get(goal["indicator_id"], {}).get("unit", "share")
    items = [(standing["period"], None if standing["value"] is None
              else standing["value"] * 100,
              text(N_("nichts gemessen")) if standing["value"] is None
              else formatted_number(standing["value"] * 100, lang, 1) + " %")
             for standing in goal["periods"]]
    target = float(goal["target_value"])
    return bar_chart(items, target * 100 if unit in ("share", "share points") else target)


def _years(goals: JSON, year: int) -> list[int]:
    """The years of the agreements' terms, to look at another one (at most ten around)."""
    years = {year}
    for agreement in goals["agreements"]:
        first, last = int(agreement["term_start"][:4]), int(agreement["term_end"][:4])
        years.update(range(max(first, year - 5), min(last, year + 5) + 1))
    return sorted(years)
