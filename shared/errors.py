"""Errors of the applications and domains: what went wrong, in words, and of which kind.

They know nothing of HTTP, so the CLI, the demo and the tests use the applications without
the web framework. The domains' named rules derive from `ServiceError` too, each with its
kind. Each service's `api/errors.py` is the one place its errors become RFC 9457 documents
(the status of each kind: `shared.problems`).
"""

from __future__ import annotations

import enum
from typing import Any


class Kind(enum.Enum):
    """What kind of refusal an error is, whatever the channel that reports it."""

    MALFORMED = "malformed"  # the request asks for contradictory things
    INVALID = "invalid"  # what the request says breaks a rule about values
    REFUSED = "refused"  # the caller may not do this
    NOT_FOUND = "not_found"  # no such object (or none the caller may see)
    CONFLICT = "conflict"  # the object's state does not allow it
    GONE = "gone"  # it existed and was erased


class ServiceError(Exception):
    """An error an application or domain raises for its caller to answer: of a kind, in
    words (`detail`, a short `title`), naming the rule it enforces (`rule`) if any."""

    kind = Kind.INVALID
    title = "Invalid input"
    rule = ""

    def __init__(self, detail: str = "", *, kind: Kind | None = None, title: str | None = None,
                 rule: str | None = None, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.kind = kind or self.kind
        self.title = title or self.title
        self.rule = rule if rule is not None else self.rule
        # Further members of the answer (RFC 9457 extensions), e.g. what conflicts.
        self.extensions = extensions or {}


class Malformed(ServiceError):
    kind = Kind.MALFORMED
    title = "Bad request"


class Invalid(ServiceError):
    kind = Kind.INVALID
    title = "Invalid input"


class Refused(ServiceError):
    kind = Kind.REFUSED
    title = "Forbidden"


class NotFound(ServiceError):
    kind = Kind.NOT_FOUND
    title = "Not found"


class Conflict(ServiceError):
    kind = Kind.CONFLICT
    title = "Conflict"


class Gone(ServiceError):
    kind = Kind.GONE
    title = "Gone"
