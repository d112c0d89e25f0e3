"""How the auditor's pages show recorded data: field by field, moments in Berlin time.

A state or an event's data is a nested JSON document; it is shown as one row per
leaf, named by its path (`terms.impact_goals[0].target_value`), so that two
states compare field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from services.web.i18n import TIMEZONE, locale_of

# Moments as typed: the browser's datetime-local field sends ISO; a person may type German.
_GERMAN_MOMENTS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y, %H:%M:%S", "%d.%m.%Y %H:%M",
                   "%d.%m.%Y, %H:%M", "%d.%m.%Y")


@dataclass(frozen=True)
class Field:
    """One leaf of a document: its path and its value as text."""

    path: str
    value: str


@dataclass(frozen=True)
class Difference:
    path: str
    before: str | None  # None: the field did not exist then
    after: str | None


def fields(document: Any, prefix: str = "") -> list[Field]:
    """Every leaf of `document`, in the document's order."""
    if isinstance(document, dict):
        if not document and prefix:
            return [Field(prefix, "{}")]
        return [leaf for key, value in document.items()
                for leaf in fields(value, f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(document, list):
        if not document:
            return [Field(prefix, "[]")] if prefix else []
        return [leaf for index, value in enumerate(document)
                for leaf in fields(value, f"{prefix}[{index}]")]
    return [Field(prefix, _text(document))]


def _text(value: Any) -> str:
    if value is None:
        return "\N{EN DASH}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def differences(before: Any, after: Any) -> list[Difference]:
    """The fields whose value differs between two documents, in the later one's order."""
    earlier = {leaf.path: leaf.value for leaf in fields(before)}
    later = {leaf.path: leaf.value for leaf in fields(after)}
    paths = list(later) + [path for path in earlier if path not in later]
    return [Difference(path, earlier.get(path), later.get(path)) for path in paths
            if earlier.get(path) != later.get(path)]


def moment_of(text: str | None) -> str | None:
    """A moment as the services read it (ISO with offset), from what was typed: ISO or
    German, without a zone meaning Berlin time. ValueError if it is not a moment."""
    typed = (text or "").strip()
    if not typed:
        return None
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        moment = _german(typed)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TIMEZONE)
    return moment.isoformat()


def _german(typed: str) -> datetime:
    for pattern in _GERMAN_MOMENTS:
        try:
            return datetime.strptime(typed, pattern)  # Berlin, set by the caller
        except ValueError:
            continue
    raise ValueError(typed)


def moment_field(text: str | None) -> str:
    """A moment as the datetime-local field shows it again (Berlin time, to the second)."""
    moment = moment_of(text)
    if moment is None:
        return ""
    return datetime.fromisoformat(moment).astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M:%S")


def recorded(value: str, language: str) -> str:
    """When something was recorded, in Berlin time to the second."""
    return format_datetime(datetime.fromisoformat(value), "medium", tzinfo=TIMEZONE,
                           locale=locale_of(language))
