"""Turning a service's refusal into what a person filling in a form should read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from starlette.requests import Request

from services.web import labels
from services.web.clients import Invalid
from services.web.rendering import Pages


def field_messages(pages: Pages, request: Request, error: Invalid,
                   aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Each refused field's message in the person's language, by the form's field name."""
    messages: dict[str, str] = {}
    for location, kind in error.field_errors.items():
        name = (aliases or {}).get(location, location.replace(".", "_"))
        text = labels.FIELD_ERRORS.get(kind, labels.ANY_FIELD_ERROR)
        messages.setdefault(name, pages.text(request, text))
    if not messages:  # a rule of the domain, not of one field
        rule = labels.RULES.get(error.rule, labels.ANY_RULE)
        messages["_"] = pages.text(request, rule)
    return messages


def decimal_text(value: str) -> str:
    """A number as typed in German ("2,5") or English ("2.5"), as the API reads it."""
    cleaned = value.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        Decimal(cleaned)
    except InvalidOperation:
        return value  # the service names it as not a number
    return cleaned


def date_text(value: str | None) -> str | None:
    """A date as typed in German (17.05.2012, 17.5.12 is not accepted) or ISO, as the API
    reads it; anything else is passed on for the service to name as not a date."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split(".")
    if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[2]) == 4:
        day, month, year = (int(part) for part in parts)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def german_date(iso: str) -> str:
    """An ISO date as the date fields show it (Tag.Monat.Jahr)."""
    try:
        return date.fromisoformat(iso).strftime("%d.%m.%Y")
    except ValueError:
        return iso


def optional(value: str | None) -> str | None:
    """An empty field as absent, so that the service's default applies."""
    return value.strip() if value and value.strip() else None


def version_of(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
