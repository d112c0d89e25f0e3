"""`python -m services.web.i18n.update [TRANSLATIONS.json]`: add new texts to the English
catalog, drop gone ones, and fill in translations given as a JSON object {German: English}.

New entries without a translation stay empty, which the test of the catalog points at.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from services.web.i18n import catalog_path
from services.web.i18n.extraction import extracted


def main(arguments: list[str]) -> int:
    given: dict[str, str] = {}
    for file in arguments:
        given.update(json.loads(Path(file).read_text(encoding="utf-8")))
    path = catalog_path("en")
    with path.open("rb") as po:
        english = read_po(po, locale="en_GB")
    english.update(extracted(), no_fuzzy_matching=True)
    english.obsolete.clear()
    for message in english:
        if isinstance(message.id, str) and message.id in given:
            message.string = given[message.id]
    with path.open("wb") as po:
        write_po(po, english, omit_header=False, sort_output=True, width=100)
    missing = [m.id for m in english if m.id and not m.string]
    unused = sorted(set(given) - {m.id for m in english if isinstance(m.id, str)})
    print(f"{path}: {len(english)} texts, {len(missing)} without an English translation")
    for message_id in missing:
        print(f"  {message_id!r}")
    for message_id in unused:
        print(f"  given but no such text: {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
