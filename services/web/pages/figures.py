"""An indicator's answer as the pages show it: one row of texts per cell, the same for the
table, the chart's labels and the CSV download, so the download is exactly what is shown."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.web import labels
from services.web.i18n import formatted_number
from services.web.labels import N_

Translate = Callable[[str], str]
# Units of the catalog whose values are shares: shown as per cent (points).
PERCENT_UNITS = {"share": N_("%"), "share points": N_("Prozentpunkte")}
UNITS = {"cases": N_("Fälle"), "days": N_("Tage"), "T-score": N_("T-Wert"), "EUR": N_("Euro"),
         "per 1,000 inhabitants": N_("je 1.000 Einwohner"),
         "EUR per inhabitant": N_("Euro je Einwohner")}
NONE = "-"  # the metrics service's value of a dimension a cell has no value for


@dataclass(frozen=True)
class Row:
    """One cell of an answer: its dimension values, then value, numerator, denominator,
    persons (texts), or `withheld` in words instead of the figures."""

    dimensions: list[str]
    value: float | None
    figures: list[str]
    withheld: str | None

    @property
    def label(self) -> str:
        return " · ".join(self.dimensions)


@dataclass(frozen=True)
class Table:
    headers: list[str]  # dimension headers, then the four figures' headers
    rows: list[Row]
    unit: str

    @property
    def dimension_count(self) -> int:
        return len(self.headers) - 4

    def csv(self) -> bytes:
        """UTF-8 with a BOM and `;` between fields, as German spreadsheet programs read it
        (the decimal comma makes `,` unusable as the separator)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.headers)
        for row in self.rows:
            figures = [row.withheld or "", "", "", ""] if row.withheld else row.figures
            writer.writerow([*row.dimensions, *figures])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def shown_value(value: float | None, unit: str) -> float | None:
    """The value in the unit it is shown in (shares as per cent)."""
    if value is None:
        return None
    return value * 100 if unit in PERCENT_UNITS else value


def unit_text(unit: str, _: Translate) -> str:
    known = PERCENT_UNITS.get(unit) or UNITS.get(unit)
    return _(known) if known else unit


def value_text(value: float | None, unit: str, language: str, _: Translate) -> str:
    """A value with its unit, as a sentence uses it (`72,5 %`, `14 Fälle`)."""
    if value is None:
        return ""
    number = formatted_number(shown_value(value, unit), language, 1)
    return f"{number} {unit_text(unit, _)}"


def table_of(answer: Mapping[str, Any], definition: Mapping[str, Any], language: str,
             _: Translate, names: Mapping[str, Mapping[str, str]] | None = None) -> Table:
    """The rows of an indicator's answer, dimension values named (`names` per dimension:
    id → name, for providers and agreements)."""
    unit = str(definition["unit"])
    by: list[str] = list(answer["by"])
    threshold = int(answer["disclosure_threshold"])
    headers = [_(labels.INDICATOR_DIMENSIONS.get(name, name)) for name in by] + [
        _("Wert (%(unit)s)") % {"unit": unit_text(unit, _)}, _("Zähler"), _("Nenner"),
        _("Personen")]
    rows = []
    for cell in answer["cells"]:
        dimensions = [_dimension_text(name, str(cell.get(name, NONE)), _, names or {})
                      for name in by]
        if cell.get("suppressed"):
            withheld = _("zurückgehalten (weniger als %(count)s Personen)") % {
                "count": threshold}
            rows.append(Row(dimensions, None, [], withheld))
            continue
        value = cell.get("value")
        figures = [formatted_number(shown_value(value, unit), language, 1) if value is not None
                   else _("kein Wert"),
                   formatted_number(cell.get("numerator"), language, 2),
                   formatted_number(cell.get("denominator"), language, 2),
                   formatted_number(cell.get("persons"), language, 0)]
        rows.append(Row(dimensions, shown_value(value, unit), figures, None))
    return Table(headers, rows, unit)


def _dimension_text(name: str, value: str, _: Translate,
                    names: Mapping[str, Mapping[str, str]]) -> str:
    if value == NONE:
        return _("ohne Angabe")
    if name == "field_of_action":
        return _(labels.FIELDS_OF_ACTION.get(value, value))
    return names.get(name, {}).get(value, value)
