"""What the contract manager's forms share: euros as typed and shown, lists typed with commas,
the impact goals' rows, and an entry of a history as a person reads it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from starlette.requests import Request

from services.web import labels
from services.web.clients import NotThere
from services.web.flow import Form
from services.web.forms import date_text, decimal_text, optional
from services.web.i18n import formatted_date, locale_of
from services.web.labels import N_
from services.web.rendering import language, pages_of

GOAL_ROWS_MORE = 1  # blank rows offered beyond the goals already there
GOAL_PARTS = ("indicator_id", "comparison", "target_value", "text")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def an_id(value: str) -> str:
    """A provider's or agreement's id from a URL; anything else is no page (404)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotThere(404, {}) from None


def euros(cents: int | None, lang: str) -> str:
    """Cents as euros with the language's separators ("240.000,00")."""
    if cents is None:
        return ""
    return format_decimal(Decimal(cents) / 100, format="#,##0.00", locale=locale_of(lang))


def cents_of(text: str | None, lang: str) -> int | str | None:
    """Euros as typed ("240.000,00", "240000", "240,000.00" in English) as cents; what is
    not an amount is passed on as typed, for the service to refuse beside the field."""
    as_typed = (text or "").strip()
    typed = as_typed.replace(" ", "").replace("€", "")
    if not typed:
        return None
    if lang == "en":
        cleaned = typed.replace(",", "")
    elif "," in typed:
        cleaned = typed.replace(".", "").replace(",", ".")
    else:  # German without a comma: dots group thousands ("240.000")
        cleaned = typed.replace(".", "") if _GROUPED.match(typed) else typed
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return as_typed
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return as_typed
    return int(amount * 100)


def whole_number(text: str | None) -> int | str | None:
    typed = (text or "").strip().replace(".", "") if text else ""
    if not typed:
        return None
    return int(typed) if typed.lstrip("-").isdigit() else typed


def listed(text: str | None) -> list[str]:
    """A list typed with commas ("Nordstadt, Hafen")."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def goals_of(form: Form) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The impact goals of the filled-in rows, and which form field each API field is
    (the API counts only the goals sent, the form counts its rows)."""
    goals: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    rows = sorted({int(key.split("_")[1]) for key in form
                   if re.fullmatch(r"goal_\d+_[a-z_]+", key)})
    for row in rows:
        values = {part: form.get(f"goal_{row}_{part}", "").strip() for part in GOAL_PARTS}
        if not values["indicator_id"] and not values["text"] and not values["target_value"]:
            continue
        for part in GOAL_PARTS:
            aliases[f"impact_goals.{len(goals)}.{part}"] = f"goal_{row}_{part}"
        goals.append({"text": values["text"], "indicator_id": values["indicator_id"],
                      "comparison": values["comparison"] or ">=",
                      "target_value": decimal_text(values["target_value"])})
    return goals, aliases


def goal_rows(goals: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """The goals as the form's rows show them."""
    fields: dict[str, str] = {}
    for row, goal in enumerate(goals):
        fields[f"goal_{row}_indicator_id"] = goal["indicator_id"]
        fields[f"goal_{row}_comparison"] = goal["comparison"]
        fields[f"goal_{row}_target_value"] = decimal_shown(goal["target_value"], lang)
        fields[f"goal_{row}_text"] = goal["text"]
    return fields


def decimal_shown(value: str, lang: str) -> str:
    return value.replace(".", ",") if lang == "de" else value


def terms_of(form: Form, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The terms of an agreement as the API reads them, and the form's names of its fields."""
    goals, aliases = goals_of(form)
    body = {
        "title": optional(form.get("title")) or "",
        "budget_product_code": optional(form.get("budget_product_code")) or "",
        "field_of_action": optional(form.get("field_of_action")),
        "target_groups": listed(form.get("target_groups")),
        "districts": listed(form.get("districts")),
        "term_start": date_text(form.get("term_start")),
        "term_end": date_text(form.get("term_end")),
        "annual_budget_cents": cents_of(form.get("annual_budget"), lang),
        "pricing_unit": optional(form.get("pricing_unit")),
        "unit_price_cents": cents_of(form.get("unit_price"), lang),
        "capacity": whole_number(form.get("capacity")),
        "impact_goals": goals,
        "reporting_obligation": {"frequency": form.get("reporting_frequency") or "quarterly",
                                 "due_days": whole_number(form.get("due_days")) or 0},
    }
    return {key: value for key, value in body.items() if value is not None}, {
        **aliases, **MONEY_FIELDS, "reporting_obligation.due_days": "due_days",
        "reporting_obligation.frequency": "reporting_frequency"}


MONEY_FIELDS = {"annual_budget_cents": "annual_budget", "unit_price_cents": "unit_price"}


def terms_as_form(terms: dict[str, Any], lang: str) -> dict[str, str]:
    """An agreement's terms as its edit form shows them."""
    return {
        "title": terms["title"], "budget_product_code": terms["budget_product_code"],
        "field_of_action": terms["field_of_action"],
        "target_groups": ", ".join(terms["target_groups"]),
        "districts": ", ".join(terms["districts"]),
        "term_start": german(terms["term_start"]), "term_end": german(terms["term_end"]),
        "annual_budget": euros(terms["annual_budget_cents"], lang),
        "pricing_unit": terms["pricing_unit"],
        "unit_price": euros(terms["unit_price_cents"], lang),
        "capacity": str(terms["capacity"]),
        "reporting_frequency": terms["reporting_obligation"]["frequency"],
        "due_days": str(terms["reporting_obligation"]["due_days"]),
        **goal_rows(terms["impact_goals"], lang),
    }


def german(iso: str) -> str:
    year, month, day = str(iso)[:10].split("-")
    return f"{day}.{month}.{year}"


def money_messages(request: Request, messages: dict[str, str]) -> dict[str, str]:
    """An amount the service refused is named as an amount, not as a number of cents."""
    text = pages_of(request).text(request, N_(
        "Bitte einen Betrag in Euro angeben, z. B. 240.000,00."))
    return {name: text if name in MONEY_FIELDS.values() else message
            for name, message in messages.items()}


def rule_message(request: Request, rule: str) -> str:
    return pages_of(request).text(request, labels.CONTRACT_RULES.get(rule, labels.ANY_RULE))


def describe(request: Request, entry: dict[str, Any],
             indicator_title: Callable[[str], str]) -> list[tuple[str, str]]:
    """What an entry of a history changed, as pairs of a field's name and its value."""
    text = pages_of(request).text
    lang = language(request)
    data = dict(entry.get("data") or {})
    data.update(data.pop("changes", None) or {})
    data.update(data.pop("terms", None) or {})
    pairs = []
    for name, value in data.items():
        if name not in labels.CONTRACT_FIELDS or value in (None, "", []):
            continue
        pairs.append((text(request, labels.CONTRACT_FIELDS[name]),
                      _shown(request, name, value, lang, indicator_title)))
    return pairs


def _shown(request: Request, name: str, value: Any, lang: str,
           indicator_title: Callable[[str], str]) -> str:
    text = pages_of(request).text
    if name.endswith("_cents"):
        return f"{euros(int(value), lang)} €"
    if name in ("term_start", "term_end", "effective_date", "termination_date"):
        return formatted_date(str(value), lang)
    if name == "field_of_action":
        return text(request, labels.FIELDS_OF_ACTION.get(value, value))
    if name == "fields_of_action":
        return ", ".join(text(request, labels.FIELDS_OF_ACTION.get(v, v)) for v in value)
    if name == "pricing_unit":
        return text(request, labels.PRICING_UNITS.get(value, value))
    if name == "impact_goals":
        return "; ".join(
            f"{indicator_title(goal['indicator_id'])} "
            f"{text(request, labels.COMPARISONS.get(goal['comparison'], goal['comparison']))} "
            f"{decimal_shown(str(goal['target_value']), lang)}" for goal in value)
    if name == "reporting_obligation":
        frequency = value.get("frequency", "")
        return text(request, labels.REPORTING_FREQUENCIES.get(frequency, frequency)) + \
            " · " + text(request, N_("%(days)s Tage nach Periodenende")) % {
                "days": value.get("due_days", "")}
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
