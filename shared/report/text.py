"""How the report writes values: by the indicator's unit, with a mark for withheld cells."""

from __future__ import annotations

from shared.report.model import Figures

# By the catalog's level names (`GET /indicators`).
LEVELS = {"society": "Gesellschaft / society", "target_group": "Zielgruppe / target group",
          "agreement": "Leistungsvereinbarung / agreement", "case": "Einzelfall / case"}
WITHHELD = "zurückgehalten / withheld"
NOTHING = "\N{EN DASH}"


def number(value: float, unit: str) -> str:
    """A value in its unit: shares as percent, share points as percentage points."""
    if unit == "share":
        return f"{value * 100:.1f} %"
    if unit == "share points":
        return f"{value * 100:+.1f} pp"
    if unit.startswith("EUR"):
        return f"{value:,.2f} {unit}"
    return count_text(value)


def tick(value: float, unit: str) -> str:
    """A number on a chart's axis: short."""
    if unit == "share":
        return f"{value * 100:g} %"
    if unit == "share points":
        return f"{value * 100:+g}"
    return f"{value:,.6g}"


def cell_text(cell: Figures | None, unit: str) -> str:
    if cell is None or (cell.value is None and not cell.suppressed):
        return NOTHING
    if cell.suppressed or cell.value is None:
        return WITHHELD
    return number(cell.value, unit)


def count_text(value: float | None) -> str:
    """A numerator, denominator or head count: grouped digits, at most two decimals."""
    return NOTHING if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")
