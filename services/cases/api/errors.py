"""Where the cases service's errors become RFC 9457 problem documents: the one place.

The application's errors (not found, refused, gone, a client already known, a stale
version) are answered by their kind with their own title, by the handlers every service
shares (`shared.problems`); a broken rule of the domain by its kind under the title below,
with its `rule` name.
"""

from __future__ import annotations

from fastapi import FastAPI

from services.cases.domain import DomainError
from shared.errors import Kind
from shared.problems import install_rule_problems

RULE_TITLES = {Kind.INVALID: "Invalid value", Kind.NOT_FOUND: "Not found",
               Kind.CONFLICT: "Rule broken"}


def install_problems(app: FastAPI) -> None:
    """Answer a broken rule of the cases domain with its status, title and rule."""
    install_rule_problems(app, DomainError, RULE_TITLES)
