"""Which texts the web service shows: extracted from its templates and Python modules."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

WEB = Path(__file__).resolve().parents[1]
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> Catalog:
    """Every translatable text of the web service, German as written."""
    catalog = Catalog(locale="de", project="wirkung-web")
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(WEB), method_map=METHODS, options_map=OPTIONS,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments)
    return catalog
