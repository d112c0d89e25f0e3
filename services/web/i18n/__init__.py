"""German first, English complete: one catalog per language, read from its .po file.

German is the source language (the msgids); `en/LC_MESSAGES/messages.po` holds the
English text. Dates and numbers are formatted for the person's locale by Babel.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

HERE = Path(__file__).parent
LANGUAGES = {"de": "de_DE", "en": "en_GB"}
DEFAULT_LANGUAGE = "de"
# Moments (when something was recorded) are shown in the municipality's time, not UTC.
TIMEZONE = ZoneInfo("Europe/Berlin")


def catalog_path(language: str) -> Path:
    return HERE / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> NullTranslations:
    """The catalog of `language`; German, the source, needs none."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=LANGUAGES[language])
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def language_of(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def locale_of(language: str) -> Locale:
    return Locale.parse(LANGUAGES[language])


def formatted_date(value: date | datetime | str | None, language: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return format_datetime(value, "short", tzinfo=TIMEZONE, locale=locale_of(language))
    return format_date(value, "medium", locale=locale_of(language))


def formatted_number(value: float | int | Decimal | str | None, language: str,
                     digits: int = 2) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=locale_of(language))
