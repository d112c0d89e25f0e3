"""An indicator's answer as the steering pages show it: the table's texts, the CSV download
of the same texts, and the bar chart's scale."""

from __future__ import annotations

import csv
from typing import Any

from services.web.charts import MAX_BARS, bar_chart
from services.web.pages.figures import table_of

DEFINITION = {"id": "planned_closure_rate", "unit": "share"}
ANSWER: dict[str, Any] = {
    "indicator": "planned_closure_rate", "by": ["field_of_action", "agreement"],
    "disclosure_threshold": 5,
    "cells": [
        {"field_of_action": "jugend", "agreement": "a-1", "value": 0.725, "numerator": 29.0,
         "denominator": 40.0, "persons": 40, "suppressed": False},
        {"field_of_action": "wohnen", "agreement": "-", "value": None, "numerator": None,
         "denominator": None, "persons": None, "suppressed": True},
        {"field_of_action": "jugend", "agreement": "a-2", "value": 1234.5, "numerator": 1234.5,
         "denominator": 1.0, "persons": 7, "suppressed": False},
    ],
}


def german(text: str) -> str:
    return text


def test_cells_become_rows_of_texts_with_named_dimensions_and_withheld_cells_in_words() -> None:
    table = table_of(ANSWER, DEFINITION, "de", german, {"agreement": {"a-1": "Ambulant"}})

    assert table.headers == ["Handlungsfeld", "Vereinbarung", "Wert (%)", "Zähler", "Nenner",
                             "Personen"]
    first, withheld, third = table.rows
    assert (first.dimensions, first.figures) == (["Jugend", "Ambulant"],
                                                 ["72,5", "29", "40", "40"])
    assert withheld.dimensions == ["Wohnen", "ohne Angabe"]
    assert withheld.withheld == "zurückgehalten (weniger als 5 Personen)"
    assert third.figures[0] == "123.450"  # a share of 1234.5 is 123,450 %


def test_the_csv_holds_the_tables_texts_for_german_spreadsheets() -> None:
    table = table_of(ANSWER, DEFINITION, "de", german)

    raw = table.csv()

    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == table.headers
    assert rows[1] == ["Jugend", "a-1", "72,5", "29", "40", "40"]
    assert rows[2] == ["Wohnen", "ohne Angabe", "zurückgehalten (weniger als 5 Personen)",
                       "", "", ""]


def test_bars_start_at_zero_and_reach_the_largest_value_or_target() -> None:
    chart = bar_chart([("Q1", 80.0, "80 %"), ("Q2", None, "nichts gemessen"),
                       ("Q3", -20.0, "−20 %")], target=100.0)  # noqa: RUF001

    assert chart is not None
    q1, q2, q3 = chart.bars
    assert q2.length == 0
    assert q3.x + q3.length == chart.zero_x  # a negative value reaches left from zero
    assert chart.target_x is not None
    assert q1.x == chart.zero_x
    assert q1.x + q1.length < chart.target_x


def test_too_many_cells_get_no_chart() -> None:
    assert bar_chart([(str(i), float(i), str(i)) for i in range(MAX_BARS + 1)]) is None
    assert bar_chart([]) is None
