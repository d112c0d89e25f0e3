"""A report's figures: from the form to the API's body, back into the form, and what a
correction changed against the revision before it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from services.web.flow import Form
from services.web.forms import decimal_text
from services.web.labels import N_

# The form's field for each figure the API names otherwise.
ALIASES = {"expenditure_cents": "expenditure"}
EURO_ERROR = N_("Bitte einen Betrag in Euro angeben, z. B. 1.234,56.")


def cents_of(text: str) -> int | str:
    """Euros as typed ("1.234,56", "1234.56", "80") in cents; else the text as typed, for
    the service to refuse it as not a number."""
    try:
        euros = Decimal(decimal_text(text))
    except InvalidOperation:
        return text
    cents = euros * 100
    return int(cents) if cents == cents.to_integral_value() else text


def body_of(form: Form, goals: list[dict[str, Any]]) -> dict[str, Any]:
    """What the API reads; a field left empty is left out, so the service says it is missing."""
    def given(name: str) -> str | None:
        value = form.get(name, "").strip()
        return value or None

    outcomes = []
    for index, goal in enumerate(goals):
        outcome = {"indicator_id": goal["indicator_id"],
                   "achieved": given(f"outcomes_{index}_achieved"),
                   "measured": given(f"outcomes_{index}_measured")}
        outcomes.append({k: v for k, v in outcome.items() if v is not None})
    expenditure = given("expenditure")
    units = given("units_delivered")
    body = {"participants": given("participants"),
            "units_delivered": decimal_text(units) if units else None,
            "expenditure_cents": cents_of(expenditure) if expenditure else None,
            "outcomes": outcomes, "narrative": form.get("narrative", "").strip()}
    return {k: v for k, v in body.items() if v is not None}


def typed_of(figures: dict[str, Any], goals: list[dict[str, Any]], lang: str) -> Form:
    """A revision's figures as the form shows them, to be corrected."""
    def number(value: Decimal, digits: int | None = None) -> str:
        text = f"{value:.{digits}f}" if digits is not None else format(value.normalize(), "f")
        return text.replace(".", ",") if lang == "de" else text

    typed = {"participants": str(figures["participants"]),
             "units_delivered": number(Decimal(str(figures["units_delivered"]))),
             "expenditure": number(Decimal(figures["expenditure_cents"]) / 100, 2),
             "narrative": str(figures.get("narrative") or "")}
    outcomes = {item["indicator_id"]: item for item in figures.get("outcomes", [])}
    for index, goal in enumerate(goals):
        outcome = outcomes.get(goal["indicator_id"])
        if outcome:
            typed[f"outcomes_{index}_achieved"] = str(outcome["achieved"])
            typed[f"outcomes_{index}_measured"] = str(outcome["measured"])
    return typed


@dataclass(frozen=True)
class Change:
    """One figure of a report, before and after a correction."""

    label: str
    before: Any
    after: Any
    kind: str  # "count", "units", "euros", "text"
    goal: str = ""  # the impact goal an outcome count belongs to

    @property
    def changed(self) -> bool:
        return bool(self.before != self.after)


def changes(before: dict[str, Any], after: dict[str, Any],
            goals: list[dict[str, Any]]) -> list[Change]:
    """Every figure of two revisions side by side, in the order of the form."""
    rows = [Change(N_("Teilnehmende"), before["participants"], after["participants"], "count"),
            Change(N_("Erbrachte Einheiten"), Decimal(str(before["units_delivered"])),
                   Decimal(str(after["units_delivered"])), "units"),
            Change(N_("Ausgaben"), Decimal(before["expenditure_cents"]) / 100,
                   Decimal(after["expenditure_cents"]) / 100, "euros")]
    earlier = {item["indicator_id"]: item for item in before.get("outcomes", [])}
    later = {item["indicator_id"]: item for item in after.get("outcomes", [])}
    for goal in goals:
        old, new = earlier.get(goal["indicator_id"], {}), later.get(goal["indicator_id"], {})
        for key, label in (("achieved", N_("erreicht")), ("measured", N_("gemessen"))):
            rows.append(Change(label, old.get(key), new.get(key), "count", goal["text"]))
    rows.append(Change(N_("Sachbericht"), before.get("narrative", ""),
                       after.get("narrative", ""), "text"))
    return rows
