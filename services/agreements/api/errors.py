"""Where the agreements service's errors become RFC 9457 problem documents: the one place.

The application's errors (not found, refused, a stale version, a report already there) are
answered by their kind with their own title, by the handlers every service shares
(`shared.problems`); a broken rule of the domain by its kind under the title below, with
its `rule` name.
"""

from __future__ import annotations

from fastapi import FastAPI

from services.agreements.domain import AgreementError
from shared.errors import Kind
from shared.problems import install_rule_problems

# Any other kind of broken rule keeps its error's own title.
RULE_TITLES = {Kind.INVALID: "Invalid input", Kind.CONFLICT: "Rule broken"}


def install_problems(app: FastAPI) -> None:
    """Answer a broken rule of the agreements domain with its status, title and rule."""
    install_rule_problems(app, AgreementError, RULE_TITLES)
