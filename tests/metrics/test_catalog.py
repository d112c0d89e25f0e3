"""The catalog defines every indicator the agreements may name, completely."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.metrics.catalog import CATALOG, Aggregation, IndicatorDefinition, Level
from shared.indicators import IndicatorId


def test_the_catalog_ids_are_exactly_the_shared_indicator_ids() -> None:
    assert set(CATALOG) == {indicator.value for indicator in IndicatorId}


@pytest.mark.parametrize("definition", list(CATALOG.values()), ids=lambda d: str(d.id))
def test_every_definition_is_complete(definition: IndicatorDefinition) -> None:
    assert all((definition.title_de, definition.title_en, definition.unit))
    assert definition.numerator
    assert definition.denominator or definition.aggregation is Aggregation.COUNT
    assert "period" in definition.dimensions
    assert definition.definition_hash.startswith("sha256:")


def test_every_level_of_the_design_has_indicators() -> None:
    assert {definition.level for definition in CATALOG.values()} == set(Level)


def test_a_changed_formula_changes_the_hash() -> None:
    original = CATALOG[IndicatorId.PLANNED_CLOSURE_RATE]

    changed = replace(original, numerator=original.numerator + " (also transferred)")

    assert changed.definition_hash != original.definition_hash
    assert len({d.definition_hash for d in CATALOG.values()}) == len(CATALOG)


def test_only_the_report_timeliness_counts_no_persons() -> None:
    assert [d.id for d in CATALOG.values() if not d.counts_persons] == [
        IndicatorId.REPORT_TIMELINESS]
