"""`python -m services.web.i18n.update`: add new texts to the English catalog, drop gone ones.

New entries get an empty translation, which the test of the catalog then points at.
"""

from __future__ import annotations

from babel.messages.pofile import read_po, write_po

from services.web.i18n import catalog_path
from services.web.i18n.extraction import extracted


def main() -> int:
    path = catalog_path("en")
    with path.open("rb") as po:
        english = read_po(po, locale="en_GB")
    english.update(extracted(), no_fuzzy_matching=True)
    english.obsolete.clear()
    with path.open("wb") as po:
        write_po(po, english, omit_header=False, sort_output=True, width=100)
    missing = [m.id for m in english if m.id and not m.string]
    print(f"{path}: {len(english)} texts, {len(missing)} without an English translation")
    for message_id in missing:
        print(f"  {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
