"""German first, English complete: every text of the web service has its English translation."""

from __future__ import annotations

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from services.web.i18n import catalog_path, formatted_date, formatted_number, translations
from services.web.i18n.extraction import extracted


def test_every_text_of_the_pages_has_an_english_translation() -> None:
    with catalog_path("en").open("rb") as po:
        english = read_po(po, locale="en_GB")
    texts = [message.id for message in extracted() if message.id]

    untranslated = [text for text in texts if not _translated(english.get(text))]

    assert len(texts) > 100, "the extraction found too few texts to be looking at the pages"
    assert not untranslated, ("run `python -m services.web.i18n.update` and translate: "
                              + "; ".join(map(repr, untranslated[:20])))


def test_a_text_with_placeholders_keeps_them_in_english() -> None:
    with catalog_path("en").open("rb") as po:
        english = read_po(po, locale="en_GB")
    broken = [message.id for message in english if message.id and message.string
              and sorted(_placeholders(str(message.id))) != sorted(_placeholders(
                  str(message.string)))]
    assert not broken, broken


def test_german_is_the_source_and_english_is_read_from_the_catalog() -> None:
    assert translations("de").gettext("Meine Fälle") == "Meine Fälle"
    assert translations("en").gettext("Meine Fälle") != "Meine Fälle"


def test_dates_and_numbers_follow_the_language() -> None:
    assert formatted_date("2026-05-17", "de") == "17.05.2026"
    assert formatted_date("2026-05-17", "en") == "17 May 2026"
    assert formatted_date("2026-11-30T12:23:00+00:00", "de") == "30.11.26, 13:23"
    assert formatted_number("1234.5", "de") == "1.234,5"
    assert formatted_number("1234.5", "en") == "1,234.5"


def _translated(message: Message | None) -> bool:
    return message is not None and bool(message.string)


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\((\w+)\)s", text)
