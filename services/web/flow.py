"""What every page handler needs: the signed-in person, a checked form, a redirect.

A form posted after the sign-in expired is kept in the session as a draft of its
page, so that after signing in again the person finds it filled in as they left it.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.responses import RedirectResponse, Response

from services.web.person import Person
from services.web.security import CSRF_FIELD, csrf_is_valid
from shared.clock import Clock

Form = dict[str, str]
# Fields never kept in a draft: they belong to the submission, not to what was typed.
NOT_DRAFTED = {CSRF_FIELD}


class SignInNeeded(Exception):
    """No valid sign-in: go to the sign-in page, then back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A state change without the session's CSRF token."""


def clock_of(request: Request) -> Clock:
    """What day it is for the pages: the clock made at the composition root."""
    clock: Clock = request.app.state.clock
    return clock


def safe_next(value: str | None) -> str:
    """A local path to return to, never another site."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    parts = urlsplit(value)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def back_path(request: Request) -> str:
    """Where to return after signing in: the page itself, or the page a form came from."""
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return safe_next(_form_page(request))


def _form_page(request: Request) -> str:
    """The page a form was sent from: htmx names it, a browser's Referer does otherwise."""
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer")
    if page:
        parts = urlsplit(page)
        if parts.netloc == request.url.netloc:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.url.path


def sign_in_url(next_path: str) -> str:
    return f"/anmelden?next={quote(next_path, safe='/')}"


async def signed_in(request: Request) -> Person:
    """The signed-in person; otherwise (or once the sign-in expired) off to sign in."""
    person = Person.from_session(request.session)
    if person is None or person.expired:
        if request.method == "POST":
            await keep_draft(request)
        raise SignInNeeded(back_path(request))
    return person


SignedIn = Annotated[Person, Depends(signed_in)]


async def form_of(request: Request) -> Form:
    """The posted form, once its CSRF token is checked."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_is_valid(request, fields.get(CSRF_FIELD)):
        raise CsrfRefused
    return fields


async def keep_draft(request: Request) -> None:
    """Keep what the person typed, for the form it was typed into (its action)."""
    form = await request.form()
    fields = {key: value for key, value in form.items()
              if isinstance(value, str) and key not in NOT_DRAFTED}
    request.session["draft"] = {"action": request.url.path, "fields": fields}


def draft_for(request: Request, action: str) -> Form:
    """The kept draft of a form posting to `action`, once (then it is gone)."""
    draft = request.session.get("draft")
    if isinstance(draft, dict) and draft.get("action") == action:
        request.session.pop("draft", None)
        fields = draft.get("fields")
        return dict(fields) if isinstance(fields, dict) else {}
    return {}


def new_idempotency_key() -> str:
    """A key generated with the form: a double click or a retry records once."""
    return str(uuid.uuid4())


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def flash(request: Request, message: str) -> None:
    """A message shown once on the next page (after POST → redirect → GET)."""
    messages: list[Any] = request.session.setdefault("flash", [])
    messages.append(message)


def take_flashes(request: Request) -> list[str]:
    messages = request.session.pop("flash", [])
    return [str(m) for m in messages] if isinstance(messages, list) else []


def end_session(request: Request) -> Person | None:
    """Forget who was signed in (and everything else but the language); who that was."""
    person = Person.from_session(request.session)
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language
    return person
