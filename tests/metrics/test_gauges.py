"""The indicator gauges: a bounded set of labels, the values the API answers."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
import pytest
from prometheus_client import REGISTRY

from services.metrics.application import Indicators, MainFigure
from services.metrics.catalog import CATALOG
from services.metrics.gauges import BY_DISTRICT, BY_FIELD, IndicatorGauges
from services.metrics.indicators.disclosure import PTABLE, CellKeyMethod
from services.metrics.indicators.engine import Question
from services.metrics.periods import parse_period
from shared.indicators import IndicatorId
from tests.deploy.test_compose import metric_names
from tests.support import TEST_CELL_KEY_SECRET

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy/grafana/dashboards/wirkung-overview.json"


@pytest.mark.integration
async def test_the_gauges_show_this_years_indicators_perturbed_and_withhold_small_cells(
        history_facts: asyncpg.Pool) -> None:
    method = CellKeyMethod(TEST_CELL_KEY_SECRET.encode())
    gauges = IndicatorGauges(history_facts, Indicators(threshold=3, perturbation=method),
                             year=2026)

    async with history_facts.acquire() as connection:
        await gauges.refresh(connection)
        exact = await Indicators(threshold=3).cells(
            connection, CATALOG[IndicatorId.ACTIVE_CASES],
            Question(parse_period("2026"), ("field_of_action",)))

    # 2026: jugend K1-K4 and K6 (4 persons), wohnen K5 and K7 (2 persons: withheld).
    jugend = next(cell for cell in exact if cell.dimensions["field_of_action"] == "jugend")
    assert jugend.value == 5
    shown = REGISTRY.get_sample_value("wirkung_indicator_active_cases",
                                      {"field_of_action": "jugend"})
    # Perturbed as the API perturbs for every reader but the auditor (the ptable as oracle).
    assert shown == method.cell(jugend, CATALOG[IndicatorId.ACTIVE_CASES], 3).value
    assert shown is not None
    assert abs(shown - 5) <= PTABLE.deviation
    assert REGISTRY.get_sample_value("wirkung_indicator_active_cases",
                                     {"field_of_action": "wohnen"}) is None
    assert REGISTRY.get_sample_value("wirkung_indicator_by_district", {
        "indicator": "spend_per_inhabitant", "district": "Nordstadt"}) is None  # 2 persons
    assert BY_FIELD._labelnames == ("indicator", "field_of_action")
    assert BY_DISTRICT._labelnames == ("indicator", "district")


@pytest.mark.integration
async def test_the_main_figures_are_a_years_main_indicators_as_readers_see_them(
        history_facts: asyncpg.Pool) -> None:
    method = CellKeyMethod(TEST_CELL_KEY_SECRET.encode())
    indicators = Indicators(threshold=3, perturbation=method)

    async with history_facts.acquire() as connection:
        figures = await indicators.main_figures(connection, 2026)
        exact = await Indicators(threshold=3).cells(
            connection, CATALOG[IndicatorId.ACTIVE_CASES],
            Question(parse_period("2026"), ("field_of_action",)))

    # 2026: jugend K1-K4 and K6 (4 persons), wohnen K5 and K7 (2 persons: withheld), and
    # perturbed as the API perturbs for every reader but the auditor (the ptable as oracle).
    shown = [method.cell(cell, CATALOG[IndicatorId.ACTIVE_CASES], 3) for cell in exact]
    expected = [MainFigure("field_of_action", IndicatorId.ACTIVE_CASES,
                           cell.dimensions["field_of_action"], cell.value) for cell in shown
                if not cell.suppressed and cell.value is not None]
    assert [figure.label for figure in expected] == ["jugend"]
    assert [figure for figure in figures if figure.dimension == "field_of_action"
            and figure.indicator == IndicatorId.ACTIVE_CASES] == expected
    assert {figure.dimension for figure in figures} <= {"field_of_action", "district"}
    # Nordstadt's spend per inhabitant counts 2 persons: withheld.
    assert not [figure for figure in figures if figure.label == "Nordstadt"
                and figure.indicator == IndicatorId.SPEND_PER_INHABITANT]


def test_the_dashboard_charts_the_metrics_the_services_export() -> None:
    import shared.observability
    import shared.projection
    import shared.relay  # noqa: F401 - their metrics register on import

    exported = {name for metric in REGISTRY.collect() for name in
                [metric.name, f"{metric.name}_total", f"{metric.name}_bucket"]}
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    charted = {name for panel in panels for target in panel["targets"]
               for name in metric_names(target["expr"])}

    assert charted - exported == set()
    assert {"wirkung_projection_consumer_lag", "wirkung_projection_dead_letters_total",
            "wirkung_indicator_by_district", "wirkung_indicator_by_field_of_action"} <= charted
