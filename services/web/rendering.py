"""Templates per language, with the context every page shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from services.web import labels
from services.web.flow import take_flashes
from services.web.i18n import LANGUAGES, formatted_date, formatted_number, language_of, translations
from services.web.person import Person
from services.web.security import csrf_token

TEMPLATES = Path(__file__).parent / "templates"


def _environment(language: str) -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES),
                              autoescape=select_autoescape(["html", "svg"]),
                              undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                              trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    environment.globals["labels"] = labels
    environment.globals["url_with"] = url_with
    gettext = translations(language).gettext
    environment.globals["options"] = lambda mapping: [(key, gettext(text))
                                                      for key, text in mapping.items()]
    environment.filters["date"] = lambda value: formatted_date(value, language)
    environment.filters["number"] = lambda value, digits=2: formatted_number(value, language,
                                                                              digits)
    return environment


class Pages:
    """Renders a template in the person's language."""

    def __init__(self, *, feedback_address: str) -> None:
        self.environments = {language: _environment(language) for language in LANGUAGES}
        self.feedback_address = feedback_address

    def text(self, request: Request, message: str) -> str:
        """A text of a page handler in the person's language."""
        return translations(language(request)).gettext(message)

    def render(self, request: Request, template: str, *, status: int = 200,
               headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        lang = language(request)
        page = self.environments[lang].get_template(template)
        html = page.render(
            request=request, lang=lang, person=Person.from_session(request.session),
            csrf_token=csrf_token(request.session), path=request.url.path,
            full_path=_full_path(request), feedback_address=self.feedback_address,
            flashes=take_flashes(request),
            **context)
        return HTMLResponse(html, status_code=status, headers=headers)


def is_partial(request: Request) -> bool:
    """An htmx request for part of the page (the back button's restore wants it whole)."""
    return bool(request.headers.get("HX-Request")) and \
        not request.headers.get("HX-History-Restore-Request")


def url_with(path: str, params: dict[str, Any], **changes: Any) -> str:
    """`path` with the query `params`, some changed; empty values left out."""
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def pages_of(request: Request) -> Pages:
    """The app's page renderer."""
    pages: Pages = request.app.state.pages
    return pages


def language(request: Request) -> str:
    return language_of(request.session.get("lang"))


def _full_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
